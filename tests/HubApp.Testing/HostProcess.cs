using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HubApp.Client;

namespace HubApp.Testing;

/// <summary>
/// The real host as a process of its own (<c>dotnet HubApp.dll</c> from the test output, Production settings,
/// the test signing key, limits out of the way) on 127.0.0.1, so that a test can kill it with SIGKILL, stop it
/// with SIGTERM or start it under a file-size limit. Disposing it kills what is still running.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852", Justification = "ScaleOut's NodeProcess derives from it; HubApp.Browser.Tests links this file without that one.")]
internal class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    protected HostProcess(string name, int port, Process process)
    {
        Name = name;
        Port = port;
        _process = process;
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public bool HasExited => _process.HasExited;

    /// <summary>The host's own process id (also under a file-size limit: the shell execs it).</summary>
    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the host wrote, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// The single-node embedded store: SQLite at <c>{dataDirectory}/hubapp.db</c>, no backplane, no dev tokens; started
    /// in <paramref name="workingDirectory"/> (the repository root by default, as <c>dotnet run</c> starts it).
    /// </summary>
    public static Task<HostProcess> StartSqliteAsync(string dataDirectory, int? port = null, bool fileSizeLimitable = false, IDictionary<string, string>? settings = null, string? workingDirectory = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Auth__DevTokens__Enabled"] = "false",
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(dataDirectory, "hubapp.db")}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return StartAsync("host", environment, port, fileSizeLimitable, (name, p, process) => new HostProcess(name, p, process), workingDirectory);
    }

    /// <summary>
    /// Starts the host with <paramref name="settings"/> (environment variables, <c>Section__Key</c>) over the common
    /// ones and waits until <c>/health</c> answers 200. With <paramref name="fileSizeLimitable"/> SIGXFSZ is ignored,
    /// so that once <see cref="SetFileSizeLimitAsync"/> limits it, a write past the limit fails with EFBIG instead of
    /// killing the host. (Started under <c>ulimit -f</c> the runtime itself does not come up: its double-mapped code
    /// memory is a file too.)
    /// </summary>
    protected static async Task<T> StartAsync<T>(string name, IDictionary<string, string> settings, int? port, bool fileSizeLimitable, Func<string, int, Process, T> create, string? workingDirectory = null)
        where T : HostProcess
    {
        var listenOn = port ?? FreePort();
        string[] host = [Path.Combine(AppContext.BaseDirectory, "HubApp.dll"), "--urls", $"http://127.0.0.1:{listenOn}"];
        // An ignored signal stays ignored across exec, and the shell's pid becomes the host's.
        var start = fileSizeLimitable
            ? new ProcessStartInfo("bash", ["-c", "trap '' XFSZ; exec dotnet \"$@\"", "bash", .. host])
            : new ProcessStartInfo("dotnet", host);
        start.WorkingDirectory = workingDirectory ?? RepositoryRoot.Path;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = TestTokens.SigningKey,
            ["Limits__MessagesPerSecond"] = "100000",
            ["Limits__Burst"] = "100000",
            ["Limits__ReadsPerSecond"] = "100000",
            ["Limits__ReadBurst"] = "100000",
            ["Limits__RoomsCreatedPerHour"] = "100000",
            ["Limits__MaxRoomsOwned"] = "100000",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var started = create(name, listenOn, Process.Start(start)!);
        try
        {
            await started.WaitUntilHealthyAsync(TestTimeouts.Slow);
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Host {Name} exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                if (await HealthAsync() == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Host {Name} was not healthy within {timeout}:{Environment.NewLine}{Output}");
            }

            await Task.Delay(100);
        }
    }

    public async Task<HttpStatusCode> HealthAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync("/health");
        return response.StatusCode;
    }

    /// <summary>SIGKILL: no goodbye, no flush.</summary>
    public Task KillAsync() => _process.KillAndWaitAsync();

    /// <summary>SIGTERM, as systemd or a container runtime stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>
    /// Sets the largest file the running host may write (util-linux prlimit): <paramref name="bytes"/>, or no limit
    /// when null. Only for a host started <c>fileSizeLimitable</c>; otherwise a write past the limit kills it.
    /// </summary>
    public async Task SetFileSizeLimitAsync(long? bytes)
    {
        var limit = bytes?.ToString(CultureInfo.InvariantCulture) ?? "unlimited";
        using var prlimit = Process.Start("prlimit", ["--pid", _process.Id.ToString(CultureInfo.InvariantCulture), $"--fsize={limit}:unlimited"]);
        await prlimit.WaitForExitAsync().DefaultTimeout();
        if (prlimit.ExitCode != 0)
        {
            throw new InvalidOperationException($"prlimit failed with {prlimit.ExitCode}.");
        }
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    /// <summary>Lines logged at warning or above (the simple console format starts them with "warn:", "fail:", "crit:").</summary>
    public IReadOnlyList<string> Problems(string level) => [.. _output.Where(l => l.StartsWith(level + ":", StringComparison.Ordinal))];

    /// <summary>Lines logged at Error or Critical, but for <see cref="KnownFrameworkErrors"/>.</summary>
    public IReadOnlyList<string> UnexpectedErrors() => [.. Problems("fail").Concat(Problems("crit")).Where(l => !KnownFrameworkErrors.IsKnownLine(l))];

    /// <param name="tokenLifetime">How long each token the client is given stays valid (an hour by default): the server closes
    /// the connection when it expires, and the client reconnects with a fresh one.</param>
    /// <param name="maxReconnectAttempts">At 0.5 s apart once the first two are spent; the client's default of 100 outlasts a node
    /// restart on a quiet machine, a loaded one may need more.</param>
    public static ChatClient CreateClient(Uri server, string userId, bool autoReconnect = true, TimeSpan? tokenLifetime = null, int? maxReconnectAttempts = null) =>
        new(new ChatClientOptions
        {
            ServerUrl = server,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(TestTokens.Create(userId, userId, expires: tokenLifetime is { } lifetime ? DateTime.UtcNow + lifetime : null)),
            AutoReconnect = autoReconnect,
            ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)],
            MaxReconnectAttempts = maxReconnectAttempts ?? 100,
        });

    public async Task<ChatClient> ConnectAsync(string userId, bool autoReconnect = true, TimeSpan? tokenLifetime = null, int? maxReconnectAttempts = null)
    {
        var client = CreateClient(BaseAddress, userId, autoReconnect, tokenLifetime, maxReconnectAttempts);
        await client.StartAsync().DefaultTimeout();
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.KillAndWaitAsync();
        _process.Dispose();
        GC.SuppressFinalize(this);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
