namespace AgentMemory.Testing;

/// <summary>
/// Shared by the backend test projects (linked into each). What a backend test does when the server binaries are missing: on a developer machine it is skipped with a message
/// saying what to install; under <c>CI=true</c> it fails, because CI installs them and a skip would hide a broken setup.
/// </summary>
internal static class ServerRequirement
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (locally) or fails (under CI) the current test because <paramref name="reason"/>.</summary>
    public static Exception Unavailable(string reason)
    {
        if (IsCi)
        {
            return new InvalidOperationException($"{reason} CI=true, so this is a failure, not a skip: .ci/run must install it.");
        }

        return new SkipException(reason);
    }

    /// <summary>Finds an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>A free loopback TCP port (free when this returns; the server binds it right after).</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
