using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AgentMemory.Semantic;

/// <summary>Short-term conversation memory: turns stored in the <see cref="IMemoryStore"/> with a time to live.</summary>
public sealed partial class SemanticMemory
{
    /// <inheritdoc/>
    public async ValueTask<ConversationTurn> AddConversationTurnAsync(MemoryScope conversation, string role, string content, CancellationToken cancellationToken = default)
    {
        var prefix = ConversationPrefix(conversation);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(content);
        CheckText(role, "role", nameof(role));
        CheckText(content, "content", nameof(content));
        var now = _time.GetUtcNow();
        var sequence = Interlocked.Increment(ref _turnSequence);

        // Ticks first, so that ordinal key order is time order; the sequence and a random part keep ids unique.
        var id = string.Create(CultureInfo.InvariantCulture, $"{now.UtcTicks:D19}-{sequence:D10}-{Guid.NewGuid():N}");
        var turn = new ConversationTurn(id, role, content, now);
        var options = new MemoryEntryOptions { Ttl = _options.ConversationTtl, Priority = _options.StorePriority };
        await _store.StoreRawAsync(prefix + id, MemoryRecordCodec.EncodeTurn(turn, conversation), options, cancellationToken).ConfigureAwait(false);
        return turn;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ConversationTurn>> GetConversationAsync(MemoryScope conversation, int maxTurns = 50, CancellationToken cancellationToken = default)
    {
        var prefix = ConversationPrefix(conversation);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTurns, 1);
        var keys = new List<string>();
        await foreach (var key in _store.EnumerateKeysAsync(prefix + "*", 1000, cancellationToken).ConfigureAwait(false))
        {
            keys.Add(key);
        }

        keys.Sort(StringComparer.Ordinal);
        var turns = new List<ConversationTurn>();
        for (var i = keys.Count - 1; i >= 0 && turns.Count < maxTurns; i--)
        {
            var raw = await _store.RetrieveRawAsync(keys[i], cancellationToken).ConfigureAwait(false);
            if (raw is null)
            {
                continue; // expired since it was listed
            }

            var (turn, scope) = MemoryRecordCodec.DecodeTurn(raw.Value);
            if (scope == conversation)
            {
                turns.Add(turn);
            }
        }

        turns.Reverse();
        return turns;
    }

    /// <summary>The key prefix of a conversation's turns: a hash of the whole scope, so that any ids are safe in keys and globs.</summary>
    private string ConversationPrefix(MemoryScope conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (string.IsNullOrEmpty(conversation.ConversationId))
        {
            throw new ArgumentException("A conversation scope needs a ConversationId.", nameof(conversation));
        }

        var canonical = new StringBuilder();
        foreach (var part in new[] { conversation.UserId, conversation.AgentId, conversation.SessionId, conversation.ConversationId })
        {
            canonical.Append(part is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{part.Length}:{part}")).Append('|');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
        return _conversationPrefix + Convert.ToHexStringLower(hash.AsSpan(0, 16)) + ":";
    }
}
