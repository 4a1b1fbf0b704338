using HubApp.Testing;
using HubApp.Tests.ScaleOut;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Api;

/// <summary>The HTTP API on the PostgreSQL store, a fresh database of the test cluster per test.</summary>
[Collection(PostgresCluster.Name)]
public sealed class PostgresRoomMessagesApiTests : RoomMessagesApiTests
{
    private TestPostgres _database = null!;

    public override async Task InitializeAsync() => _database = await TestPostgres.CreateAsync();

    public override async Task DisposeAsync() => await _database.DisposeAsync();

    private protected override Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string environment = "Testing") =>
        _database.StartHostAsync(settings, services, environment);
}
