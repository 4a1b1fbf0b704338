using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HubApp.Testing;

/// <summary>
/// A fresh database in the throwaway PostgreSQL cluster that test.sh starts (scripts/prereqs/30-postgres.sh),
/// dropped on dispose. Tests that need PostgreSQL fail, never skip, when the cluster is not there.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string Variable = "HUBAPP_TEST_POSTGRES";

    private TestPostgres(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>The cluster's own connection string (its maintenance database), from <see cref="Variable"/>.</summary>
    public static string ClusterConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: these tests need PostgreSQL. Run them through ./test.sh, which starts a throwaway cluster "
                + "(scripts/prereqs/30-postgres.sh), or export a connection string to a server where the user may create databases.");

    public static async Task<TestPostgres> CreateAsync()
    {
        var name = "hubapp_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(ClusterConnectionString))
        {
            await connection.OpenAsync().DefaultTimeout();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await create.ExecuteNonQueryAsync().DefaultTimeout();
        }

        var builder = new NpgsqlConnectionStringBuilder(ClusterConnectionString) { Database = name };
        return new TestPostgres(name, builder.ConnectionString);
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    /// <summary>The real host (<see cref="HubAppHost.StartAsync"/>) on this database as its store; <paramref name="settings"/> add to that.</summary>
    internal Task<HubAppHost> StartHostAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string environment = "Testing")
    {
        var all = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = ConnectionString,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return HubAppHost.StartAsync(all, environment: environment, services: services);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(ClusterConnectionString);
            await connection.OpenAsync().DefaultTimeout();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);", connection);
            await drop.ExecuteNonQueryAsync().DefaultTimeout();
        }
        catch (NpgsqlException)
        {
            // A database left behind lives only as long as the throwaway cluster.
        }
    }
}
