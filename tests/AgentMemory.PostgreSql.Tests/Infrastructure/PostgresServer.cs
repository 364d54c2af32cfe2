using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace AgentMemory.PostgreSql.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster owned by the tests: <c>initdb</c> into a temp directory and <c>pg_ctl start</c> on a free
/// loopback port, trust authentication, no fsync (a killed server keeps its committed data; a power loss would not). Run as root (as CI is), the server binaries are run as the
/// <c>postgres</c> user through <c>runuser</c>, because PostgreSQL refuses to run as root. Stopped and deleted on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string InstallHint = "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin; install them (Debian: apt-get install postgresql) to run the PostgreSQL backend tests.";
    private readonly string _bin;
    private readonly string _directory;
    private readonly bool _asPostgresUser;
    private int _databases;

    private PostgresServer(string bin, string directory, int port, bool asPostgresUser)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>The TCP port the server listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>A connection string to the cluster's <c>postgres</c> database as the superuser.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    private string DataDirectory => Path.Combine(_directory, "data");

    private string SocketDirectory => Path.Combine(_directory, "sock");

    /// <summary>Creates a cluster and starts it. Throws a skip (or, under CI, a failure) when PostgreSQL is not installed.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinDirectory() ?? throw ServerRequirement.Unavailable(InstallHint);
        var asPostgresUser = Environment.UserName == "root";
        var directory = Directory.CreateTempSubdirectory("agentmemory-pg-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "sock"));
        var server = new PostgresServer(bin, directory, ServerRequirement.FreePort(), asPostgresUser);
        if (asPostgresUser)
        {
            await server.RunAsync("/bin/chown", ["-R", "postgres:postgres", directory], asPostgres: false);
        }

        await server.RunAsync(Path.Combine(bin, "initdb"), ["-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the cluster (again) on the same port and waits until it accepts connections.</summary>
    public Task StartAgainAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"),
    [
        "-D", DataDirectory, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {SocketDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        "start",
    ]);

    /// <summary>Stops the cluster immediately (no checkpoint, as a crash would).</summary>
    public Task StopAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);

    /// <summary>Creates a fresh database for one test class and returns a connection string to it.</summary>
    /// <param name="hint">A readable part of the database name.</param>
    public async Task<string> CreateDatabaseAsync(string hint)
    {
        var name = $"t{Interlocked.Increment(ref _databases)}_{new string(hint.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(40).ToArray())}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    private string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            Timeout = 10,
        }.ConnectionString;

    private static string? FindBinDirectory()
    {
        var onPath = ServerRequirement.FindOnPath("pg_ctl");
        if (onPath is not null && File.Exists(Path.Combine(Path.GetDirectoryName(onPath)!, "initdb")))
        {
            return Path.GetDirectoryName(onPath);
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")) && File.Exists(Path.Combine(c.Dir, "pg_ctl")))
            .OrderByDescending(c => c.Version)
            .Select(c => c.Dir)
            .FirstOrDefault();
    }

    private async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres = true)
    {
        var info = new ProcessStartInfo(asPostgres && _asPostgresUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres && _asPostgresUser)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(_directory, "server.log");
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : string.Empty;
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}\n{serverLog}");
        }
    }
}
