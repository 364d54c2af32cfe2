using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace AgentMemory.Persistence.Archive;

/// <summary>One open segment file of an <see cref="ArchiveStore"/>: its id, path, handle and current length.</summary>
/// <remarks>
/// Reads go through <see cref="RandomAccess"/> on <see cref="Handle"/> and may run from any thread; <see cref="Length"/>
/// is changed only by the archive's single writer.
/// </remarks>
internal sealed class ArchiveSegment : IDisposable
{
    private const string Prefix = "segment-";
    private const string Extension = ".arc";

    private ArchiveSegment(int id, string path, SafeFileHandle handle, long length)
    {
        Id = id;
        Path = path;
        Handle = handle;
        Length = length;
    }

    /// <summary>The segment's number; later segments have higher numbers and their records win.</summary>
    public int Id { get; }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>The open file handle, shared for reading and writing.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>The file's length as far as acknowledged writes go.</summary>
    public long Length { get; set; }

    /// <summary>The file name of segment <paramref name="id"/>: <c>segment-000001.arc</c>.</summary>
    public static string FileName(int id) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{id:D6}{Extension}");

    /// <summary>Parses the id out of a segment file name; false for any other file.</summary>
    public static bool TryParseId(string fileName, out int id)
    {
        id = 0;
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal) || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Extension.Length);
        return digits.Length >= 6
            && !digits.ContainsAnyExcept("0123456789")
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out id)
            && id > 0;
    }

    /// <summary>Opens an existing segment file.</summary>
    public static ArchiveSegment OpenExisting(int id, string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            return new ArchiveSegment(id, path, handle, RandomAccess.GetLength(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Creates a new, empty segment file; fails if it exists.</summary>
    public static ArchiveSegment CreateNew(int id, string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName(id));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        return new ArchiveSegment(id, path, handle, 0);
    }

    /// <summary>Closes the handle.</summary>
    public void Dispose() => Handle.Dispose();
}
