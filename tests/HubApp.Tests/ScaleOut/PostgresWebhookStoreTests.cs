using HubApp.Storage;
using HubApp.Testing;
using HubApp.Tests.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.ScaleOut;

/// <summary>The PostgreSQL webhook store on a fresh database of the test cluster.</summary>
[Collection(PostgresCluster.Name)]
public sealed class PostgresWebhookStoreTests : WebhookStoreTests
{
    private TestPostgres _database = null!;

    public override async Task InitializeAsync() => _database = await TestPostgres.CreateAsync();

    public override async Task DisposeAsync() => await _database.DisposeAsync();

    private protected override async Task<OpenWebhookStore> OpenAsync()
    {
        var dataSource = _database.CreateDataSource();
        var store = new PostgresMessageStore(dataSource, Options.Create(new RetentionOptions()));
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        return new OpenWebhookStore(store, store, store, dataSource);
    }
}
