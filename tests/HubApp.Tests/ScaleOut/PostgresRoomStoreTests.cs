using HubApp.Storage;
using HubApp.Testing;
using HubApp.Tests.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.ScaleOut;

/// <summary>The PostgreSQL room store on a fresh database of the test cluster.</summary>
[Collection(PostgresCluster.Name)]
public sealed class PostgresRoomStoreTests : RoomStoreTests
{
    private TestPostgres _database = null!;

    public override async Task InitializeAsync() => _database = await TestPostgres.CreateAsync();

    public override async Task DisposeAsync() => await _database.DisposeAsync();

    private protected override async Task DowngradeToBeforeUserRoomListsAsync()
    {
        await using var dataSource = _database.CreateDataSource();
        await using var downgrade = dataSource.CreateCommand("""
            DROP TABLE user_rooms;
            ALTER TABLE room_sanctions DROP COLUMN by_user_id, DROP COLUMN set_at;
            UPDATE hubapp_schema SET version = 1 WHERE component = 'rooms';
            """);
        await downgrade.ExecuteNonQueryAsync().DefaultTimeout();
    }

    private protected override async Task<OpenRoomStore> OpenAsync()
    {
        var dataSource = _database.CreateDataSource();
        var store = new PostgresMessageStore(dataSource, Options.Create(new RetentionOptions()));
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        return new OpenRoomStore(store, store, store, dataSource);
    }
}
