namespace AgentMemory;

/// <summary>The life-cycle state of an encryption key.</summary>
public enum MemoryKeyStatus
{
    /// <summary>The provider does not know the key id.</summary>
    Unknown = 0,

    /// <summary>The one key that encrypts new values (it also decrypts).</summary>
    Active = 1,

    /// <summary>A former active key: it still decrypts, never encrypts. Re-encrypt its values, then retire it.</summary>
    DecryptOnly = 2,

    /// <summary>A key whose material was destroyed: values under it can no longer be read.</summary>
    Retired = 3,
}
