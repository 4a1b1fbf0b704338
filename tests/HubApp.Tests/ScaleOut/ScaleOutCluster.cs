using HubApp.Testing;
using Npgsql;

namespace HubApp.Tests.ScaleOut;

/// <summary>
/// Several nodes on one fresh PostgreSQL database (the store and presence) and one backplane engine, optionally
/// behind nginx; all torn down on dispose. On <see cref="Engine.Redis"/> the cluster has a Redis server of its own, on
/// <see cref="Engine.RedisCluster"/> a Redis Cluster of its own.
/// </summary>
internal sealed class ScaleOutCluster : IAsyncDisposable
{
    private readonly List<NodeProcess> _nodes;
    private readonly Dictionary<string, string> _nodeSettings;

    // Nodes that were restarted, kept for their logs and disposed with the rest.
    private readonly List<NodeProcess> _stopped = [];

    private ScaleOutCluster(TestPostgres database, TestRedis? redis, TestRedisCluster? redisCluster, List<NodeProcess> nodes, Dictionary<string, string> nodeSettings, NginxProcess? nginx)
    {
        Database = database;
        Redis = redis;
        RedisCluster = redisCluster;
        _nodes = nodes;
        _nodeSettings = nodeSettings;
        Nginx = nginx;
    }

    public TestPostgres Database { get; }

    /// <summary>The Redis backplane's server, for a test to kill and start again; null on <see cref="Engine.Postgres"/>.</summary>
    public TestRedis? Redis { get; }

    /// <summary>The Redis Cluster of <see cref="Engine.RedisCluster"/>, for a test to kill masters of; null on the others.</summary>
    public TestRedisCluster? RedisCluster { get; }

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>The running nodes and the processes that restarted ones had before, in start order: every log of the run.</summary>
    public IReadOnlyList<NodeProcess> EveryNodeProcess => [.. _stopped, .. _nodes];

    public NginxProcess? Nginx { get; }

    /// <param name="settings">Node settings (<c>Section__Key</c>) over the engine's.</param>
    public static async Task<ScaleOutCluster> StartAsync(Engine engine, int nodes, bool withNginx = false, IDictionary<string, string>? settings = null)
    {
        var database = await TestPostgres.CreateAsync();
        TestRedis? redis = null;
        TestRedisCluster? redisCluster = null;
        var started = new List<NodeProcess>();
        try
        {
            var nodeSettings = new Dictionary<string, string>();
            if (engine == Engine.Redis)
            {
                redis = await TestRedis.StartAsync();
                nodeSettings["Backplane__Provider"] = "redis";
                nodeSettings["ConnectionStrings__Redis"] = redis.ConnectionString;
            }
            else if (engine == Engine.RedisCluster)
            {
                redisCluster = await TestRedisCluster.StartAsync();
                nodeSettings["Backplane__Provider"] = "redis";
                nodeSettings["ConnectionStrings__Redis"] = redisCluster.ConnectionString;
            }

            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                nodeSettings[key] = value;
            }

            await StartNodesAsync(nodes, database.ConnectionString, nodeSettings, started);
            var nginx = withNginx ? await NginxProcess.StartAsync(started.Select(n => n.Port)) : null;
            return new ScaleOutCluster(database, redis, redisCluster, started, nodeSettings, nginx);
        }
        catch
        {
            await DisposeAsync(null, started, redis, redisCluster, database);
            throw;
        }
    }

    /// <summary>
    /// Stops node <paramref name="index"/> with SIGTERM (as a deploy does), waits for it to exit, and starts it again on its
    /// port with the same store and settings, where its clients reconnect. Returns the new process.
    /// </summary>
    public async Task<NodeProcess> RestartAsync(int index)
    {
        await StopAsync(_nodes[index]);
        return _nodes[index] = await StartAgainAsync(_nodes[index]);
    }

    /// <summary>
    /// Stops every node, then starts each again on its port: for a while no node holds anything in memory, so what
    /// the nodes know afterwards comes from the database alone.
    /// </summary>
    public async Task RestartNodesAsync()
    {
        foreach (var node in _nodes)
        {
            await StopAsync(node);
        }

        for (var i = 0; i < _nodes.Count; i++)
        {
            _nodes[i] = await StartAgainAsync(_nodes[i]);
        }
    }

    private async Task StopAsync(NodeProcess node)
    {
        node.Terminate();
        await node.WaitForExitAsync(NodeProcess.ShutdownTimeout + TestTimeouts.Default);
        _stopped.Add(node);
    }

    private Task<NodeProcess> StartAgainAsync(NodeProcess node) =>
        NodeProcess.StartAsync(node.Name, Database.ConnectionString, _nodeSettings, node.Port);

    /// <summary>The node that holds the connections of <paramref name="userId"/> (by the shared presence table).</summary>
    public async Task<NodeProcess> NodeOfAsync(string userId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT DISTINCT node_id FROM connections WHERE user_id = $1;", connection) { Parameters = { new() { Value = userId } } };
        var nodeId = (string)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"{userId} has no connection."));
        return _nodes.Single(n => nodeId.Contains($"-{n.ProcessId}-", StringComparison.Ordinal));
    }

    /// <summary>Node output (and nginx's and Redis's), for a failure message.</summary>
    public string Logs() =>
        string.Join(Environment.NewLine, EveryNodeProcess.Select(n => $"--- {n.Name} ---{Environment.NewLine}{n.Output}"))
        + Environment.NewLine + Nginx?.ErrorLog()
        + (Redis is null ? string.Empty : $"{Environment.NewLine}--- redis ---{Environment.NewLine}{Redis.Output}")
        + (RedisCluster is null ? string.Empty : $"{Environment.NewLine}--- redis cluster ---{Environment.NewLine}{RedisCluster.Output}");

    public ValueTask DisposeAsync() => DisposeAsync(Nginx, EveryNodeProcess, Redis, RedisCluster, Database);

    // The nodes start together, as after a deploy: the schema is created under the advisory lock. Those that started are
    // added to started, also when another did not (for the caller to dispose).
    private static async Task StartNodesAsync(int nodes, string postgres, Dictionary<string, string> settings, List<NodeProcess> started)
    {
        var starting = Enumerable.Range(0, nodes).Select(i => NodeProcess.StartAsync($"node{i}", postgres, settings)).ToArray();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            started.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
        }
    }

    // Nodes first: Redis and the database then go away with nobody left to reconnect to them.
    private static async ValueTask DisposeAsync(NginxProcess? nginx, IEnumerable<NodeProcess> nodes, TestRedis? redis, TestRedisCluster? redisCluster, TestPostgres database)
    {
        if (nginx is not null)
        {
            await nginx.DisposeAsync();
        }

        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }

        if (redis is not null)
        {
            await redis.DisposeAsync();
        }

        if (redisCluster is not null)
        {
            await redisCluster.DisposeAsync();
        }

        await database.DisposeAsync();
    }
}
