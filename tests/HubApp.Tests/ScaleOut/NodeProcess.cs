using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HubApp.Client;
using HubApp.Tests.Infrastructure;

namespace HubApp.Tests.ScaleOut;

/// <summary>
/// One HubApp node as a real process (<c>dotnet HubApp.dll</c>, Production settings, the test signing key)
/// on 127.0.0.1 at a free port, so that it can be killed with SIGKILL or stopped with SIGTERM.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private NodeProcess(string name, int port, Process process)
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

    /// <summary>The process id, which the node's backplane id contains ("host-pid-xxxxxx").</summary>
    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the node wrote, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public static async Task<NodeProcess> StartAsync(string name, string postgres, IDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HubApp.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = TestTokens.SigningKey,
            ["Storage__Provider"] = "postgres",
            ["Backplane__Provider"] = "postgres",
            ["ConnectionStrings__Postgres"] = postgres,
            ["Backplane__HeartbeatInterval"] = "00:00:01",
            ["Backplane__NodeTimeout"] = "00:00:04",
            ["Backplane__MaxReconnectDelay"] = "00:00:01",
            ["Limits__MessagesPerSecond"] = "100000",
            ["Limits__Burst"] = "100000",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["HostOptions__ShutdownTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var node = new NodeProcess(name, port, Process.Start(start)!);
        await node.WaitUntilHealthyAsync(TestTimeouts.Slow);
        return node;
    }

    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Node {Name} exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await http.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
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
                throw new TimeoutException($"Node {Name} was not healthy within {timeout}:{Environment.NewLine}{Output}");
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
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
    }

    /// <summary>SIGTERM, as systemd or a container runtime stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    /// <summary>Lines logged at warning or above (the simple console format starts them with "warn:", "fail:", "crit:").</summary>
    public IReadOnlyList<string> Problems(string level) => [.. _output.Where(l => l.StartsWith(level + ":", StringComparison.Ordinal))];

    public static ChatClient CreateClient(Uri server, string userId, bool autoReconnect = true) =>
        new(new ChatClientOptions
        {
            ServerUrl = server,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(TestTokens.Create(userId, userId)),
            AutoReconnect = autoReconnect,
            ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)],
        });

    public async Task<ChatClient> ConnectAsync(string userId, bool autoReconnect = true)
    {
        var client = CreateClient(BaseAddress, userId, autoReconnect);
        await client.StartAsync().WaitAsync(TestTimeouts.Default);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        }

        _process.Dispose();
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
