namespace AgentMemory.Semantic;

/// <summary>Atomic read-modify-write and conditional delete for components layered on the semantic memory (the hierarchy).</summary>
public sealed partial class SemanticMemory
{
    /// <summary>The semantic memory's clock.</summary>
    internal TimeProvider Time => _time;

    /// <summary>
    /// Changes a visible memory's record atomically with respect to every other write: <paramref name="change"/> gets
    /// the current record and the time, and returns it unchanged (nothing is written) or a changed copy with the same
    /// id, content and embedding. Returns the record as it is afterwards, or null if none is visible to <paramref name="scope"/>.
    /// </summary>
    internal async ValueTask<MemoryRecord?> MutateAsync(string id, MemoryScope scope, Func<MemoryRecord, DateTimeOffset, MemoryRecord> change, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Visible(id, scope) is not { } current)
            {
                return null;
            }

            var changed = change(current.Record, _time.GetUtcNow());
            if (ReferenceEquals(changed, current.Record))
            {
                return changed;
            }

            if (changed.Id != id || changed.Content != current.Record.Content || !changed.Embedding.Equals(current.Record.Embedding) || changed.Scope != current.Record.Scope)
            {
                throw new InvalidOperationException("A mutation must keep the memory's id, content, embedding and scope.");
            }

            await PutAsync(current with { Record = changed }, cancellationToken).ConfigureAwait(false);
            return changed;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes a visible memory if it still passes <paramref name="condition"/> (checked under the write lock, with the time).</summary>
    internal async ValueTask<bool> DeleteIfAsync(string id, MemoryScope scope, Func<MemoryRecord, DateTimeOffset, bool> condition, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Visible(id, scope) is not { } current || !condition(current.Record, _time.GetUtcNow()))
            {
                return false;
            }

            await RemoveAsync(id, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every memory as it is now (a moment's snapshot; later writes are not reflected).</summary>
    internal async ValueTask<List<MemoryRecord>> SnapshotAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return [.. _records.Values.Select(s => s.Record)];
    }
}
