using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace AgentMemory.Redis.Tests.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> process on a free loopback port, with no persistence, owned by the tests. It can be
/// stopped and started again on the same port (fault tests), and is killed on dispose.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string InstallHint = "redis-server was not found on PATH; install it (Debian: apt-get install redis-server) to run the Redis backend tests.";
    private readonly string _binary;
    private readonly string _directory;
    private Process? _process;

    private RedisServer(string binary, int port, string directory)
    {
        _binary = binary;
        Port = port;
        _directory = directory;
    }

    /// <summary>The TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000";

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server. Throws a skip (or, under CI, a failure) when redis-server is not installed.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var binary = ServerRequirement.FindOnPath("redis-server") ?? throw ServerRequirement.Unavailable(InstallHint);
        var directory = Directory.CreateTempSubdirectory("agentmemory-redis-").FullName;
        var server = new RedisServer(binary, ServerRequirement.FreePort(), directory);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the process (again) on the same port and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", _directory, "--protected-mode", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process.HasExited)
            {
                break;
            }

            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(25);
        }

        string log;
        lock (output)
        {
            log = output.ToString();
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING. Its output:\n{log}");
    }

    /// <summary>Kills the server process (as a crash would) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
