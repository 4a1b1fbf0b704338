using HubApp.Storage;
using HubApp.Testing;
using HubApp.Tests.ScaleOut;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Storage;

/// <summary>Search on the PostgreSQL store's full-text index, on a fresh database of the test cluster.</summary>
[Collection(PostgresCluster.Name)]
public sealed class PostgresSearchStoreTests : SearchStoreTests
{
    private TestPostgres _database = null!;

    public override async Task InitializeAsync() => _database = await TestPostgres.CreateAsync();

    public override async Task DisposeAsync() => await _database.DisposeAsync();

    private protected override async Task<OpenSearchStore> OpenAsync(int? maxPerRoom = null)
    {
        var dataSource = _database.CreateDataSource();
        var store = new PostgresMessageStore(dataSource, Options.Create(new RetentionOptions { MaxMessagesPerRoom = maxPerRoom ?? 10_000 }));
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        return new OpenSearchStore(store, store, store, dataSource);
    }
}
