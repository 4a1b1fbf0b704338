using HubApp.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Storage;

/// <summary>The SQLite webhook store on a real file.</summary>
public sealed class SqliteWebhookStoreTests : WebhookStoreTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hubapp-webhooks-");

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private protected override async Task<OpenWebhookStore> OpenAsync()
    {
        var store = new SqliteMessageStore(
            Options.Create(new StorageOptions { SqliteConnectionString = $"Data Source={Path.Combine(_directory.FullName, "store.db")}" }), Options.Create(new RetentionOptions()));
        await store.InitializeAsync(CancellationToken.None);
        return new OpenWebhookStore(store, store, store);
    }
}
