namespace AgentMemory;

/// <summary>How <see cref="IMemoryStore.UpdateMetadataAsync"/> combines new metadata with what an entry already has.</summary>
public enum MetadataUpdateMode
{
    /// <summary>Adds the given fields and overwrites fields of the same name; other fields stay.</summary>
    Merge = 0,

    /// <summary>Replaces the whole metadata map with the given one.</summary>
    Replace = 1,
}
