using System.Text.Json;

namespace AgentMemory.Tiers;

/// <summary>
/// The options a persistent named memory was created with, kept in a small JSON file beside its database
/// (<c>name.options.json</c>) so that reopening it (after a restart) uses them instead of the defaults.
/// </summary>
/// <remarks>Thread-safe (stateless); callers serialize access to one memory's file.</remarks>
internal static class NamedMemoryOptionsFile
{
    /// <summary>The file name suffix after the memory's name.</summary>
    public const string Suffix = ".options.json";

    /// <summary>Writes the options, replacing the file atomically.</summary>
    public static void Write(string path, NamedMemoryOptions options)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            WriteNullable(writer, "maxEntries", options.MaxEntries);
            WriteNullable(writer, "maxBytes", options.MaxBytes);
            writer.WriteBoolean("persistent", options.Persistent);
            writer.WriteString("durability", options.Durability.ToString());
            writer.WriteEndObject();
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the options; null when the file does not exist (a memory created before options were kept).</summary>
    /// <exception cref="MemoryStorageException">The file is not a valid options file.</exception>
    public static NamedMemoryOptions? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.GetProperty("version").GetInt32() != 1)
            {
                throw new MemoryStorageException($"The memory options file '{path}' has an unsupported version.");
            }

            var durability = root.GetProperty("durability").GetString();
            if (!Enum.TryParse<DurabilityMode>(durability, ignoreCase: false, out var mode) || !Enum.IsDefined(mode))
            {
                throw new MemoryStorageException($"The memory options file '{path}' names an unknown durability mode '{durability}'.");
            }

            return new NamedMemoryOptions
            {
                MaxEntries = ReadNullable(root, "maxEntries"),
                MaxBytes = ReadNullable(root, "maxBytes"),
                Persistent = root.GetProperty("persistent").GetBoolean(),
                Durability = mode,
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            throw new MemoryStorageException($"The memory options file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static long? ReadNullable(JsonElement root, string name) =>
        root.GetProperty(name) is { ValueKind: JsonValueKind.Null } ? null : root.GetProperty(name).GetInt64();
}
