using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AgentMemory.Storage;

/// <summary>Checks keys against the rules of <see cref="MemoryKey"/>.</summary>
internal static class KeyRules
{
    /// <summary>The check for a read: null and empty keys throw; a key too long to exist simply finds nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ValidateForRead(string key, [CallerArgumentExpression(nameof(key))] string? paramName = null)
    {
        if (string.IsNullOrEmpty(key))
        {
            ThrowNullOrEmpty(key, paramName);
        }
    }

    /// <summary>The full check for a write.</summary>
    public static void ValidateForWrite(string key, [CallerArgumentExpression(nameof(key))] string? paramName = null)
    {
        ValidateForRead(key, paramName);
        if (key.Length > MemoryKey.MaxLength)
        {
            throw new ArgumentException($"A key may be at most {MemoryKey.MaxLength} characters long; this one has {key.Length} (it starts with '{key[..32]}').", paramName);
        }

        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c == '\0')
            {
                throw new ArgumentException($"A key may not contain the NUL character; '{key.Replace('\0', '?')}' has one at position {i}.", paramName);
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
                {
                    i++;
                    continue;
                }

                throw new ArgumentException($"A key may not contain an unpaired surrogate character; the key has one at position {i}.", paramName);
            }
        }
    }

    [DoesNotReturn]
    private static void ThrowNullOrEmpty(string? key, string? paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        throw new ArgumentException("A key must not be empty.", paramName);
    }

    /// <summary>Whether <see cref="ValidateForRead"/> would accept the key.</summary>
    public static bool IsValidForRead(string? key)
    {
        try
        {
            ValidateForRead(key!);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Whether <see cref="ValidateForWrite"/> would accept the key.</summary>
    public static bool IsValidForWrite(string? key)
    {
        try
        {
            ValidateForWrite(key!);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Copies a batch's operations, rejecting a null sequence or a null operation (naming its index).</summary>
    public static List<MemoryBatchOperation> BatchOperations(IEnumerable<MemoryBatchOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var list = operations.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentNullException(nameof(operations), $"The batch operation at index {i} is null.");
            }
        }

        return list;
    }
}
