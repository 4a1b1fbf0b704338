using HubApp.Testing;
using HubApp.Tests.ScaleOut;

namespace HubApp.Tests.Search;

/// <summary>Search through the hub on the PostgreSQL store, a fresh database of the test cluster per test.</summary>
[Collection(PostgresCluster.Name)]
public sealed class PostgresSearchHubTests : SearchHubTests
{
    private TestPostgres _database = null!;

    public override async Task InitializeAsync() => _database = await TestPostgres.CreateAsync();

    public override async Task DisposeAsync() => await _database.DisposeAsync();

    private protected override Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null) => _database.StartHostAsync(settings);
}
