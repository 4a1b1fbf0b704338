using HubApp.Tests.Infrastructure;
using Npgsql;

namespace HubApp.Tests.ScaleOut;

/// <summary>Several nodes on one fresh PostgreSQL database, optionally behind nginx; all torn down on dispose.</summary>
internal sealed class ScaleOutCluster : IAsyncDisposable
{
    private readonly List<NodeProcess> _nodes;

    private ScaleOutCluster(TestPostgres database, List<NodeProcess> nodes, NginxProcess? nginx)
    {
        Database = database;
        _nodes = nodes;
        Nginx = nginx;
    }

    public TestPostgres Database { get; }

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    public NginxProcess? Nginx { get; }

    public static async Task<ScaleOutCluster> StartAsync(int nodes, bool withNginx = false, IDictionary<string, string>? settings = null)
    {
        var database = await TestPostgres.CreateAsync();
        var started = new List<NodeProcess>();
        try
        {
            // The nodes start together, as after a deploy: the schema is created under the advisory lock.
            var starting = Enumerable.Range(0, nodes).Select(i => NodeProcess.StartAsync($"node{i}", database.ConnectionString, settings)).ToArray();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                started.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            var nginx = withNginx ? await NginxProcess.StartAsync(started.Select(n => n.Port)) : null;
            return new ScaleOutCluster(database, started, nginx);
        }
        catch
        {
            foreach (var node in started)
            {
                await node.DisposeAsync();
            }

            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node that holds the connections of <paramref name="userId"/> (by the shared presence table).</summary>
    public async Task<NodeProcess> NodeOfAsync(string userId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT DISTINCT node_id FROM connections WHERE user_id = $1;", connection) { Parameters = { new() { Value = userId } } };
        var nodeId = (string)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"{userId} has no connection."));
        return _nodes.Single(n => nodeId.Contains($"-{n.ProcessId}-", StringComparison.Ordinal));
    }

    /// <summary>Node output, for a failure message.</summary>
    public string Logs() => string.Join(Environment.NewLine, _nodes.Select(n => $"--- {n.Name} ---{Environment.NewLine}{n.Output}")) + Environment.NewLine + Nginx?.ErrorLog();

    public async ValueTask DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}
