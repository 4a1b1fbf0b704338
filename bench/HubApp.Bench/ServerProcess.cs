using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace HubApp.Bench;

/// <summary>
/// A host started by the bench on 127.0.0.1: HubApp on a fresh SQLite file with its per-connection rate
/// limit lifted (a benchmark sender outpaces any chat user), or the plain SignalR baseline. Both are the
/// builds of the same configuration as this tool (the project references make `dotnet run` build them). Under
/// <see cref="Pinning"/> the process runs on the server's CPU only.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _data;

    private ServerProcess(Process process, DirectoryInfo data, Uri url)
    {
        _process = process;
        _data = data;
        Url = url;
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    public static Task<ServerProcess> StartHubAppAsync(IReadOnlyDictionary<string, string> extraSettings, Pinning pinning, CancellationToken cancellationToken) =>
        StartAsync(pinning, Path.Combine("src", "HubApp"), "HubApp.dll", data => new Dictionary<string, string>(extraSettings)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Auth__DevTokens__Enabled"] = "true",
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(data, "bench.db")}",
            ["Attachments__Path"] = Path.Combine(data, "attachments"),
            ["Limits__MessagesPerSecond"] = "1000000",
            ["Limits__Burst"] = "1000000",
        }, cancellationToken);

    public static Task<ServerProcess> StartBaselineAsync(Pinning pinning, CancellationToken cancellationToken) =>
        StartAsync(pinning, Path.Combine("bench", "HubApp.Bench.Baseline"), "HubApp.Bench.Baseline.dll", _ => new Dictionary<string, string>(), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
        _data.Delete(recursive: true);
    }

    private static async Task<ServerProcess> StartAsync(Pinning pinning, string project, string dll, Func<string, Dictionary<string, string>> environment, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        // This tool's own build configuration and framework folders, e.g. bin/Release/net10.0.
        var output = Path.GetRelativePath(Path.Combine(root, "bench", "HubApp.Bench"), AppContext.BaseDirectory);
        var path = Path.Combine(root, project, output, dll);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: build it first (dotnet build -c Release HubApp.sln).");
        }

        var data = Directory.CreateTempSubdirectory("hubapp-bench-");
        var port = FreePort();
        var (fileName, arguments) = pinning.ServerCommand("dotnet", [path, "--urls", $"http://127.0.0.1:{port}"]);
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in pinning.ServerEnvironment)
        {
            start.Environment[key] = value;
        }

        foreach (var (key, value) in environment(data.FullName))
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        // Drained so that a chatty server never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"  [{dll}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, data, new Uri($"http://127.0.0.1:{port}"));
        await WaitUntilListeningAsync(process, port, cancellationToken);
        return server;
    }

    private static async Task WaitUntilListeningAsync(Process process, int port, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode} while starting.");
            }

            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        throw new TimeoutException($"The server did not listen on port {port} within a minute.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HubApp.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("compare runs from a build inside the HubApp repository (HubApp.sln not found).");
    }
}
