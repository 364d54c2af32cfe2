namespace AgentMemory.Benchmarks.Tiers;

/// <summary>A fresh directory for one benchmark's database files, deleted on dispose.</summary>
internal sealed class BenchmarkDirectory : IDisposable
{
    public BenchmarkDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agentmemory-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp folder's own cleanup.
        }
    }
}
