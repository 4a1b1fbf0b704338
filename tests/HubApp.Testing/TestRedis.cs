using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HubApp.Testing;

/// <summary>
/// A throwaway <c>redis-server</c> (the binary scripts/prereqs/50-redis.sh exports) on 127.0.0.1 at a free port,
/// nothing persisted, its folder deleted on dispose. A test may kill it and start it again on the same port, as
/// a Redis that crashed and came back. Tests that need Redis fail, never skip, when the binary is not there.
/// </summary>
public sealed class TestRedis : IAsyncDisposable
{
    public const string Variable = "HUBAPP_TEST_REDIS_SERVER";

    private readonly string _binary;
    private readonly DirectoryInfo _directory;
    private readonly ConcurrentQueue<string> _output = new();
    private Process _process;

    private TestRedis(string binary, DirectoryInfo directory, int port)
    {
        _binary = binary;
        _directory = directory;
        Port = port;
        _process = Launch(binary, directory, port, Record);
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string: <c>127.0.0.1:PORT</c>.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Everything the server wrote, across restarts, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public static async Task<TestRedis> StartAsync()
    {
        var binary = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: these tests need redis-server. Run them through ./test.sh, which installs it "
                + "(scripts/prereqs/50-redis.sh), or export the path of a redis-server binary.");
        var directory = Directory.CreateTempSubdirectory("hubapp-redis-");
        TestRedis redis;
        try
        {
            redis = new TestRedis(binary, directory, HostProcess.FreePort());
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }

        try
        {
            await redis.WaitUntilAnsweringAsync();
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        return redis;
    }

    /// <summary>SIGKILL: connections reset, nothing said to the clients.</summary>
    public Task KillAsync() => _process.KillAndWaitAsync();

    /// <summary>A new server on the same port with the same arguments (and, since nothing is saved, no data).</summary>
    public async Task StartAgainAsync()
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException("redis-server is still running: KillAsync first.");
        }

        _process.Dispose();
        _process = Launch(_binary, _directory, Port, Record);
        await WaitUntilAnsweringAsync();
    }

    /// <summary>One PING on a fresh connection: true when the server answered +PONG within a second.</summary>
    public async Task<bool> AnswersPingAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), timeout.Token);
            await socket.SendAsync("PING\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
            var reply = new byte[64];
            var read = await socket.ReceiveAsync(reply, SocketFlags.None, timeout.Token);
            return Encoding.ASCII.GetString(reply, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.KillAndWaitAsync();
        _process.Dispose();
        _directory.Delete(recursive: true);
    }

    private static Process Launch(string binary, DirectoryInfo directory, int port, Action<string?> record)
    {
        // --save '' turns snapshots off; bound to loopback only, in protected mode, nothing else can reach it.
        var start = new ProcessStartInfo(binary, [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "yes",
            "--save", string.Empty, "--appendonly", "no", "--dir", directory.FullName, "--daemonize", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => record(e.Data);
        process.ErrorDataReceived += (_, e) => record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!await AnswersPingAsync())
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync().DefaultTimeout();
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server did not answer PING on port {Port} within {TestTimeouts.Default}:{Environment.NewLine}{Output}");
            }

            await Task.Delay(50);
        }
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
