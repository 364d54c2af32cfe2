using AgentMemory.Conformance;
using AgentMemory.Persistence;
using AgentMemory.Persistence.Sqlite;

namespace AgentMemory.Tests.Persistence;

/// <summary>The <see cref="ILongTermStore"/> contract against the SQLite long-term tier.</summary>
public sealed class SqliteLongTermStoreContractTests : LongTermStoreContractTests
{
    protected override ValueTask<ConformanceSubject<ILongTermStore>> CreateSubjectAsync()
    {
        var directory = new TempDirectory();
        var store = SqliteLongTermStore.Open(directory.File("long-term.db"), synchronousFull: false, compressionThreshold: 1_024, verify: true);
        return new(new ConformanceSubject<ILongTermStore>(store, _ => default, () =>
        {
            store.Dispose();
            directory.Dispose();
            return default;
        }));
    }
}
