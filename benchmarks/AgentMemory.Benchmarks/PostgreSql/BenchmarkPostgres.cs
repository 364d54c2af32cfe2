using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AgentMemory.Benchmarks.PostgreSql;

/// <summary>
/// The PostgreSQL a benchmark runs against: the server named by <c>AGENTMEMORY_BENCH_POSTGRES</c> (a connection
/// string) when set, otherwise a private cluster started the way the test fixture starts one (<c>initdb</c> + <c>pg_ctl</c>
/// into a temp directory on a free loopback port, trust authentication, <c>fsync=off</c>; run as the <c>postgres</c> user
/// through <c>runuser</c> when root). When neither is possible the benchmark fails in its setup with what to install,
/// and BenchmarkDotNet goes on with the others.
/// </summary>
internal sealed class BenchmarkPostgres : IDisposable
{
    private const string Variable = "AGENTMEMORY_BENCH_POSTGRES";
    private readonly string? _bin;
    private readonly string? _directory;
    private readonly bool _asPostgres;

    private BenchmarkPostgres(string connectionString, string? bin, string? directory, bool asPostgres)
    {
        ConnectionString = connectionString;
        _bin = bin;
        _directory = directory;
        _asPostgres = asPostgres;
    }

    public string ConnectionString { get; }

    public static BenchmarkPostgres Start()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return new BenchmarkPostgres(configured, null, null, false);
        }

        var bin = FindBin() ?? throw new InvalidOperationException(
            $"Skipping: the PostgreSQL benchmarks need a server. Install the PostgreSQL server binaries (Debian: apt-get install postgresql) or set {Variable} to a connection string.");
        var asPostgres = Environment.UserName == "root";
        var directory = Directory.CreateTempSubdirectory("agentmemory-bench-pg-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "sock"));
        var port = FreePort();
        if (asPostgres)
        {
            Run("/bin/chown", ["-R", "postgres:postgres", directory], false);
        }

        Run(Path.Combine(bin, "initdb"), ["-D", Path.Combine(directory, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], asPostgres);
        Run(Path.Combine(bin, "pg_ctl"),
        [
            "-D", Path.Combine(directory, "data"), "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port.ToString(CultureInfo.InvariantCulture)} -k {Path.Combine(directory, "sock")} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        ], asPostgres);
        var connectionString = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres" }.ConnectionString;
        return new BenchmarkPostgres(connectionString, bin, directory, asPostgres);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (_bin is null || _directory is null)
        {
            return;
        }

        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], _asPostgres);
        }
        finally
        {
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

    private static string? FindBin()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "initdb")))
            {
                return dir;
            }
        }

        const string root = "/usr/lib/postgresql";
        return !Directory.Exists(root) ? null : Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Run(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
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
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {stdout.Result} {stderr.Result}");
        }
    }
}
