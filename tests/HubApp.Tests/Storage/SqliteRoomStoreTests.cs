using HubApp.History;
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

    private protected override async Task<OpenRoomStore> OpenAsync()
    {
        var connectionString = $"Data Source={Path.Combine(_directory.FullName, "store.db")}";
        var store = new SqliteMessageStore(Options.Create(new StorageOptions { SqliteConnectionString = connectionString }), Options.Create(new HistoryOptions()));
        await store.InitializeAsync(CancellationToken.None);
        return new OpenRoomStore(store, store, store);
    }
}
