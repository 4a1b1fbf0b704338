using HubApp.History;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Storage;

/// <summary>The SQLite store on a real file.</summary>
public sealed class SqliteMessageStoreTests : MessageStoreTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hubapp-store-");

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private protected override async Task<OpenStore> OpenAsync()
    {
        var store = Create($"Data Source={Path.Combine(_directory.FullName, "store.db")}");
        await store.InitializeAsync(CancellationToken.None);
        return new OpenStore(store, store);
    }

    private protected override OpenStore CreateBroken()
    {
        var store = Create($"Data Source={Path.Combine(_directory.FullName, "missing", "x.db")};Mode=ReadWrite");
        return new OpenStore(store, store);
    }

    private static SqliteMessageStore Create(string connectionString) =>
        new(Options.Create(new StorageOptions { SqliteConnectionString = connectionString }), Options.Create(new HistoryOptions()));
}
