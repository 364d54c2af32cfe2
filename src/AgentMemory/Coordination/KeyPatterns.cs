using System.Text;

namespace AgentMemory.Coordination;

/// <summary>Builds glob patterns over key prefixes that may themselves contain glob characters.</summary>
internal static class KeyPatterns
{
    /// <summary>A pattern matching every key that starts with <paramref name="prefix"/>.</summary>
    public static string StartsWith(string prefix)
    {
        var builder = new StringBuilder(prefix.Length + 2);
        foreach (var c in prefix)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('*').ToString();
    }
}
