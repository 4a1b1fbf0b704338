using HubApp.Contracts;
using HubApp.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Storage;

/// <summary>The SQLite room store on a real file.</summary>
public sealed class SqliteRoomStoreTests : RoomStoreTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hubapp-rooms-");

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ADatabaseFromBeforeCreatedRoomsGainsThemInPlaceAndKeepsItsMessages()
    {
        await using (var before = await OpenAsync())
        {
            await before.Messages.AppendAsync(new WriteBatch([new("lobby", "u", "U", "kept")], [], DateTime.UtcNow), null, CancellationToken.None);
        }

        // Today's database, as it was before this build: the same schema version, no room tables.
        await using (var connection = new SqliteConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE created_rooms; DROP TABLE room_members; DROP TABLE room_sanctions;";
            await drop.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await using var after = await OpenAsync();

        Assert.Equal(RoomCreation.Created, await after.Rooms.CreateRoomAsync(new NewRoom("club", RoomKinds.Private, null, "alice", "Alice", DateTime.UtcNow), false, CancellationToken.None));
        Assert.Equal("kept", Assert.Single(await after.Messages.GetLatestAsync("lobby", 10, CancellationToken.None)).Text);
        Assert.Equal(RoomKinds.Private, (await after.Rooms.GetRoomAsync("club", CancellationToken.None)).Kind);
    }

    private protected override async Task DowngradeToBeforeUserRoomListsAsync()
    {
        await using (var connection = new SqliteConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var downgrade = connection.CreateCommand();
            downgrade.CommandText = """
                DROP TABLE user_rooms;
                ALTER TABLE room_sanctions DROP COLUMN by_user_id;
                ALTER TABLE room_sanctions DROP COLUMN set_at;
                UPDATE schema_version SET version = 4;
                """;
            await downgrade.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
    }

    private string ConnectionString => $"Data Source={Path.Combine(_directory.FullName, "store.db")}";

    private protected override async Task<OpenRoomStore> OpenAsync()
    {
        var store = new SqliteMessageStore(Options.Create(new StorageOptions { SqliteConnectionString = ConnectionString }), Options.Create(new RetentionOptions()));
        await store.InitializeAsync(CancellationToken.None);
        return new OpenRoomStore(store, store, store);
    }
}
