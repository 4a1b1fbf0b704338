using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace HubApp.Testing;

/// <summary>
/// A throwaway Redis Cluster: six <c>redis-server</c> processes (the binary scripts/prereqs/50-redis.sh exports) on
/// 127.0.0.1 at free ports, three masters each with a replica, made one cluster by <c>redis-cli --cluster create</c>.
/// Nothing is persisted, the node timeout is one second (a killed master's replica takes over within a few), and the
/// folder is deleted on dispose. Started by each test that needs it, never shared: a test kills masters.
/// </summary>
public sealed class TestRedisCluster : IAsyncDisposable
{
    /// <summary>The path of <c>redis-cli</c>; by default the one beside <see cref="TestRedis.Variable"/>'s server.</summary>
    public const string CliVariable = "HUBAPP_TEST_REDIS_CLI";

    private const int Nodes = 6;
    private const int NodeTimeoutMs = 1000;

    private readonly string _cli;
    private readonly DirectoryInfo _directory;
    private readonly Dictionary<int, Process> _processes = [];
    private readonly ConcurrentQueue<string> _output = new();

    // The nodes killed on purpose, as they were just before.
    private readonly ConcurrentDictionary<int, ClusterNode> _killed = new();

    private TestRedisCluster(string cli, DirectoryInfo directory)
    {
        _cli = cli;
        _directory = directory;
    }

    /// <summary>Every node's client port, in start order.</summary>
    public IReadOnlyList<int> Ports => [.. _processes.Keys];

    /// <summary>A StackExchange.Redis configuration string naming every node, as an operator would list them.</summary>
    public string ConnectionString => string.Join(",", Ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{p}")));

    /// <summary>Everything the servers and redis-cli wrote, each line marked with its port, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public static async Task<TestRedisCluster> StartAsync()
    {
        var server = Environment.GetEnvironmentVariable(TestRedis.Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{TestRedis.Variable} is not set: these tests need redis-server. Run them through ./test.sh, which installs it "
                + "(scripts/prereqs/50-redis.sh), or export the path of a redis-server binary.");
        var cli = Environment.GetEnvironmentVariable(CliVariable) is { Length: > 0 } path
            ? path
            : Path.Combine(Path.GetDirectoryName(server) ?? string.Empty, "redis-cli");
        var cluster = new TestRedisCluster(cli, Directory.CreateTempSubdirectory("hubapp-redis-cluster-"));
        try
        {
            for (var i = 0; i < Nodes; i++)
            {
                cluster.Launch(server);
            }

            foreach (var port in cluster.Ports)
            {
                await cluster.WaitAsync(async () => await cluster.TryCommandAsync(port, "PING") == "PONG", $"{port} to answer PING");
            }

            // The first three become masters, the others their replicas (redis-cli pairs them on distinct hosts when it can;
            // here all are on one host, so which replica serves which master is read back from CLUSTER NODES).
            await cluster.RunCliAsync(["--cluster", "create", .. cluster.Ports.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", "1", "--cluster-yes"]);
            await cluster.WaitUntilWholeAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>The nodes as the first live one sees them (<c>CLUSTER NODES</c>).</summary>
    public async Task<IReadOnlyList<ClusterNode>> NodesAsync()
    {
        foreach (var port in LivePorts)
        {
            if (await TryCommandAsync(port, "CLUSTER", "NODES") is { Length: > 0 } nodes)
            {
                return [.. nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ClusterNode.Parse)];
            }
        }

        throw new InvalidOperationException($"No node of the cluster answers CLUSTER NODES.{Environment.NewLine}{Output}");
    }

    /// <summary>The port of the master serving <paramref name="key"/>'s hash slot (a channel's name hashes as a key's).</summary>
    public async Task<int> MasterOfAsync(string key)
    {
        var port = LivePorts.First();
        var slot = int.Parse(await CommandAsync(port, "CLUSTER", "KEYSLOT", key), CultureInfo.InvariantCulture);
        return (await NodesAsync()).Single(n => n.IsMaster && !n.IsFailed && n.Serves(slot)).Port;
    }

    /// <summary>The channels (classic and sharded) that have a subscriber on the node at <paramref name="port"/>.</summary>
    public async Task<IReadOnlyList<string>> SubscribedChannelsAsync(int port)
    {
        var classic = await CommandAsync(port, "PUBSUB", "CHANNELS");
        var sharded = await CommandAsync(port, "PUBSUB", "SHARDCHANNELS");
        return [.. $"{classic}\n{sharded}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>SIGKILL of the node at <paramref name="port"/>: its connections reset, nothing said to anyone.</summary>
    public async Task KillAsync(int port)
    {
        _killed[port] = (await NodesAsync()).Single(n => n.Port == port);
        await _processes[port].KillAndWaitAsync();
    }

    /// <summary>
    /// Waits until the cluster, without the master killed at <paramref name="port"/>, is whole again: the others flag it
    /// failed, its former replica serves its slots, and every live node says <c>cluster_state:ok</c>. Returns the new master.
    /// </summary>
    public async Task<ClusterNode> WaitForFailoverAsync(int port)
    {
        var before = _killed[port];
        ClusterNode? promoted = null;
        await WaitAsync(async () =>
        {
            var nodes = await NodesAsync();
            var killed = nodes.Single(n => n.Id == before.Id);
            promoted = nodes.SingleOrDefault(n => n.Id != before.Id && n.IsMaster && !n.IsFailed && n.Serves(before.Slots[0].From));
            if (!killed.IsFailed || killed.Slots.Count > 0 || promoted is null)
            {
                return false;
            }

            foreach (var live in LivePorts)
            {
                if (await TryCommandAsync(live, "CLUSTER", "INFO") is not { } info || !info.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }, $"a replica to take over from the master killed on {port}", TestTimeouts.Slow);
        return promoted!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.Values)
        {
            await process.KillAndWaitAsync();
            process.Dispose();
        }

        _directory.Delete(recursive: true);
    }

    private IEnumerable<int> LivePorts => _processes.Where(p => !p.Value.HasExited).Select(p => p.Key);

    private void Launch(string server)
    {
        var port = HostProcess.FreePort();
        // The cluster bus defaults to port + 10000, past 65535 for a high free port: it gets a free port of its own.
        var busPort = HostProcess.FreePort();
        var directory = _directory.CreateSubdirectory(port.ToString(CultureInfo.InvariantCulture));
        // --save '' turns snapshots off; bound to loopback only, in protected mode, nothing else can reach it.
        var start = new ProcessStartInfo(server, [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "yes",
            "--save", string.Empty, "--appendonly", "no", "--dir", directory.FullName, "--daemonize", "no",
            "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(directory.FullName, "nodes.conf"),
            "--cluster-port", busPort.ToString(CultureInfo.InvariantCulture),
            "--cluster-node-timeout", NodeTimeoutMs.ToString(CultureInfo.InvariantCulture),
            // A replica syncs at once (the default waits 5 s for others to share the transfer).
            "--repl-diskless-sync-delay", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Record(port, e.Data);
        process.ErrorDataReceived += (_, e) => Record(port, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes[port] = process;
    }

    // Every slot assigned, every replica's link to its master up (else a killed master's replica refuses to take
    // over), and every node agreeing that the cluster is ok and who replicates whom (roles reach the others by gossip).
    private async Task WaitUntilWholeAsync()
    {
        foreach (var port in Ports)
        {
            await WaitAsync(async () =>
            {
                var info = await TryCommandAsync(port, "CLUSTER", "INFO");
                var replication = await TryCommandAsync(port, "INFO", "replication");
                var nodes = await TryCommandAsync(port, "CLUSTER", "NODES");
                if (info is null || !info.Contains("cluster_state:ok", StringComparison.Ordinal) || !info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal)
                    || replication is null || !(replication.Contains("role:master", StringComparison.Ordinal) || replication.Contains("master_link_status:up", StringComparison.Ordinal))
                    || nodes is null)
                {
                    return false;
                }

                var seen = nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ClusterNode.Parse).ToArray();
                return seen.Count(n => n.IsMaster && n.Slots.Count > 0) == Nodes / 2 && seen.Count(n => !n.IsMaster && n.MasterId is not null) == Nodes / 2;
            }, $"{port} to see the whole cluster");
        }
    }

    // Bounded: polls every 100 ms until the deadline; a node that died by itself ends the wait.
    private async Task WaitAsync(Func<Task<bool>> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestTimeouts.Default);
        while (!await done())
        {
            if (_processes.FirstOrDefault(p => p.Value.HasExited && !_killed.ContainsKey(p.Key)) is { Value: not null } dead)
            {
                throw new InvalidOperationException($"redis-server on {dead.Key} exited with {dead.Value.ExitCode} while waiting for {what}:{Environment.NewLine}{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout ?? TestTimeouts.Default} for {what} in the Redis Cluster:{Environment.NewLine}{Output}");
            }

            await Task.Delay(100);
        }
    }

    private async Task<string> CommandAsync(int port, params string[] command) =>
        await TryCommandAsync(port, command) ?? throw new InvalidOperationException($"{string.Join(' ', command)} on {port} failed:{Environment.NewLine}{Output}");

    /// <summary>One command through redis-cli (raw replies); null when the node does not answer.</summary>
    private async Task<string?> TryCommandAsync(int port, params string[] command)
    {
        var (exitCode, stdout) = await RunAsync(["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. command]);
        return exitCode == 0 && !stdout.StartsWith("Could not connect", StringComparison.Ordinal) && !stdout.StartsWith("ERR", StringComparison.Ordinal)
            ? stdout.Trim()
            : null;
    }

    private async Task RunCliAsync(string[] arguments)
    {
        var (exitCode, stdout) = await RunAsync(arguments);
        Record(0, stdout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} exited with {exitCode}:{Environment.NewLine}{Output}");
        }
    }

    private async Task<(int ExitCode, string Stdout)> RunAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(_cli, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().DefaultTimeout();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private void Record(int port, string? line)
    {
        if (line is not null)
        {
            _output.Enqueue($"[{port}] {line}");
        }
    }

    /// <summary>One line of <c>CLUSTER NODES</c>.</summary>
    public sealed record ClusterNode(string Id, int Port, bool IsMaster, bool IsFailed, string? MasterId, IReadOnlyList<(int From, int To)> Slots)
    {
        public bool Serves(int slot) => Slots.Any(r => r.From <= slot && slot <= r.To);

        public override string ToString() =>
            $"{Port} {Id} {(IsMaster ? "master" : $"replica of {MasterId}")}{(IsFailed ? " fail" : string.Empty)} {string.Join(",", Slots.Select(r => $"{r.From}-{r.To}"))}";

        // <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot> <slot> ...
        public static ClusterNode Parse(string line)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var address = fields[1].Split('@')[0];
            var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            var flags = fields[2].Split(',');
            var slots = fields.Skip(8).Where(f => !f.StartsWith('[')).Select(f => f.Split('-') switch
            {
                [var one] => (int.Parse(one, CultureInfo.InvariantCulture), int.Parse(one, CultureInfo.InvariantCulture)),
                [var from, var to] => (int.Parse(from, CultureInfo.InvariantCulture), int.Parse(to, CultureInfo.InvariantCulture)),
                _ => throw new FormatException($"Not a slot range: {f}"),
            }).ToArray();
            return new ClusterNode(fields[0], port, flags.Contains("master"), flags.Contains("fail"), fields[3] == "-" ? null : fields[3], slots);
        }
    }
}
