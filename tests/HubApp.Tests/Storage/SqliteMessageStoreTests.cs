using HubApp.History;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Storage;

/// <summary>The SQLite store on a real file.</summary>
public sealed class SqliteMessageStoreTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hubapp-store-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ABatchGetsPerRoomIdsInOrderAndOneTimestamp()
    {
        await using var store = await OpenAsync();
        var sentAt = new DateTime(2026, 11, 21, 12, 0, 0, 123, DateTimeKind.Utc);

        var result = await store.AppendAsync(
            new WriteBatch(
                [new("a", "u1", "U1", "one"), new("b", "u1", "U1", "two"), new("a", "u2", "U2", "three")],
                [new("u1", "U1", "u2", "direct")],
                sentAt),
            CancellationToken.None);

        Assert.Equal([("a", 1L), ("b", 1L), ("a", 2L)], result.Messages.Select(m => (m.Room, m.Id)));
        Assert.All(result.Messages, m => Assert.Equal(sentAt, m.SentAt));
        Assert.Equal(1, Assert.Single(result.DirectMessages).Id);
        Assert.Equal(result.Messages.Where(m => m.Room == "a"), await store.GetLatestAsync("a", 10, CancellationToken.None));
    }

    [Fact]
    public async Task IdsContinueAfterReopeningTheFile()
    {
        await using (var first = await OpenAsync())
        {
            await first.AppendAsync(new WriteBatch([new("a", "u", "U", "x"), new("a", "u", "U", "y")], [], DateTime.UtcNow), CancellationToken.None);
        }

        await using var second = await OpenAsync();
        var result = await second.AppendAsync(new WriteBatch([new("a", "u", "U", "z")], [], DateTime.UtcNow), CancellationToken.None);

        Assert.Equal(3, result.Messages[0].Id);
    }

    [Fact]
    public async Task TextIsStoredByteForByte()
    {
        await using var store = await OpenAsync();
        const string hostile = "'; DROP TABLE messages; -- <img src=x onerror=alert(1)> \u202Eevil\u0000nul 👋 \u0301\u0301";

        await store.AppendAsync(new WriteBatch([new("a", "u", "U", hostile)], [], DateTime.UtcNow), CancellationToken.None);

        Assert.Equal(hostile, (await store.GetAfterAsync("a", 0, 10, CancellationToken.None)).Single().Text);
    }

    [Fact]
    public async Task AFailingStoreThrowsStoreUnavailable()
    {
        var store = new SqliteMessageStore(
            Options.Create(new StorageOptions { SqliteConnectionString = $"Data Source={Path.Combine(_directory.FullName, "missing", "x.db")};Mode=ReadWrite" }),
            Options.Create(new HistoryOptions()));

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PingAsync(CancellationToken.None));
    }

    private async Task<SqliteMessageStore> OpenAsync()
    {
        var store = new SqliteMessageStore(
            Options.Create(new StorageOptions { SqliteConnectionString = $"Data Source={Path.Combine(_directory.FullName, "store.db")}" }),
            Options.Create(new HistoryOptions()));
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
