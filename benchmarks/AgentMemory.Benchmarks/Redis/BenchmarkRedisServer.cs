using System.Diagnostics;
using System.Net.Sockets;

namespace AgentMemory.Benchmarks.Redis;

/// <summary>
/// A private redis-server on a free loopback port, without persistence, for the Redis benchmarks (the test fixture's
/// start logic, trimmed). Throws with an install hint when redis-server is not on PATH.
/// </summary>
internal sealed class BenchmarkRedisServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private BenchmarkRedisServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public static BenchmarkRedisServer Start()
    {
        var binary = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Skipping the Redis benchmarks: redis-server was not found on PATH (Debian: apt-get install redis-server).");
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var directory = Directory.CreateTempSubdirectory("agentmemory-bench-redis-").FullName;
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", directory, "--protected-mode", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new BenchmarkRedisServer(process, port, directory);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
                return server;
            }
            catch (SocketException)
            {
                Thread.Sleep(25);
            }
        }

        server.Dispose();
        throw new InvalidOperationException($"redis-server on port {port} did not start listening.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
