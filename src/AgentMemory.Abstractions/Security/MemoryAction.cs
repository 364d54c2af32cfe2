namespace AgentMemory;

/// <summary>The actions an access rule can allow; combine them as flags.</summary>
[Flags]
public enum MemoryAction
{
    /// <summary>No action.</summary>
    None = 0,

    /// <summary>Read a value, its metadata or entry information, or see its key in a listing.</summary>
    Read = 1,

    /// <summary>Store, overwrite or change a value, hash, list, counter or its metadata.</summary>
    Write = 2,

    /// <summary>Delete an entry, a hash field, or (on the resource <c>*</c>) clear the memory.</summary>
    Delete = 4,

    /// <summary>Administer: implies every other action, and allows granting and revoking access under the pattern.</summary>
    Admin = 8,

    /// <summary>Every action.</summary>
    All = Read | Write | Delete | Admin,
}
