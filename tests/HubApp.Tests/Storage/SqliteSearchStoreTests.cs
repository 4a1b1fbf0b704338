using HubApp.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Storage;

/// <summary>Search on the SQLite store's FTS5 index, on a real file.</summary>
public sealed class SqliteSearchStoreTests : SearchStoreTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hubapp-search-");

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private protected override async Task<OpenSearchStore> OpenAsync(int? maxPerRoom = null)
    {
        var store = new SqliteMessageStore(
            Options.Create(new StorageOptions { SqliteConnectionString = $"Data Source={Path.Combine(_directory.FullName, "store.db")}" }),
            Options.Create(new RetentionOptions { MaxMessagesPerRoom = maxPerRoom ?? 10_000 }));
        await store.InitializeAsync(CancellationToken.None);
        return new OpenSearchStore(store, store, store);
    }
}
