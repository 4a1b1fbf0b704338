using HubApp.Storage;

namespace HubApp.Tests.Storage;

/// <summary>What every <see cref="IMessageStore"/> does, run against each provider by a subclass.</summary>
public abstract class MessageStoreTests : IAsyncLifetime
{
    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ABatchGetsPerRoomIdsInOrderAndOneTimestamp()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        var sentAt = new DateTime(2026, 11, 21, 12, 0, 0, 123, DateTimeKind.Utc);

        var result = await store.AppendAsync(
            new WriteBatch(
                [new("a", "u1", "U1", "one"), new("b", "u1", "U1", "two"), new("a", "u2", "U2", "three")],
                [new("u1", "U1", "u2", "direct")],
                sentAt),
            null,
            CancellationToken.None);

        Assert.Equal([("a", 1L), ("b", 1L), ("a", 2L)], result.Messages.Select(m => (m.Room, m.Id)));
        Assert.All(result.Messages, m => Assert.Equal(sentAt, m.SentAt));
        Assert.Equal(1, Assert.Single(result.DirectMessages).Id);
        Assert.Equal(result.Messages.Where(m => m.Room == "a"), await store.GetLatestAsync("a", 10, CancellationToken.None));
    }

    [Fact]
    public async Task IdsContinueAfterReopeningTheStore()
    {
        await using (var first = await OpenAsync())
        {
            await first.Store.AppendAsync(new WriteBatch([new("a", "u", "U", "x"), new("a", "u", "U", "y")], [], DateTime.UtcNow), null, CancellationToken.None);
        }

        await using var second = await OpenAsync();
        var result = await second.Store.AppendAsync(new WriteBatch([new("a", "u", "U", "z")], [], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal(3, result.Messages[0].Id);
    }

    [Fact]
    public async Task TextIsStoredByteForByte()
    {
        await using var opened = await OpenAsync();
        const string hostile = "'; DROP TABLE messages; -- <img src=x onerror=alert(1)> \u202Eevil\u0000nul 👋 \u0301\u0301";

        await opened.Store.AppendAsync(new WriteBatch([new("a", "u", "U", hostile)], [new("u", "U", "v", hostile)], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal(hostile, (await opened.Store.GetAfterAsync("a", 0, 10, CancellationToken.None)).Single().Text);
    }

    [Fact]
    public async Task ALongTextWithNulCharactersIsStoredWhole()
    {
        // Long enough that a provider binding strings as C strings would cut it at the first NUL.
        await using var opened = await OpenAsync();
        var text = new string('\u0301', 3000) + "\u0000after the nul\u0000";

        await opened.Store.AppendAsync(new WriteBatch([new("a", "u", "U", text)], [], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal(text, (await opened.Store.GetLatestAsync("a", 1, CancellationToken.None)).Single().Text);
    }

    [Fact]
    public async Task HistoryPagesGoBothWaysInIdOrder()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        await store.AppendAsync(new WriteBatch([.. Enumerable.Range(1, 10).Select(i => new NewChatMessage("a", "u", "U", $"m{i}"))], [], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal([4L, 5L, 6L], (await store.GetAfterAsync("a", 3, 3, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([5L, 6L, 7L], (await store.GetBeforeAsync("a", 8, 3, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([9L, 10L], (await store.GetLatestAsync("a", 2, CancellationToken.None)).Select(m => m.Id));
        Assert.Empty(await store.GetLatestAsync("elsewhere", 2, CancellationToken.None));
    }

    [Fact]
    public async Task AFailingStoreThrowsStoreUnavailable()
    {
        await using var broken = CreateBroken();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => broken.Store.PingAsync(CancellationToken.None));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => broken.Store.AppendAsync(new WriteBatch([new("a", "u", "U", "x")], [], DateTime.UtcNow), null, CancellationToken.None));
    }

    /// <summary>A store on this test's database, initialized.</summary>
    private protected abstract Task<OpenStore> OpenAsync();

    /// <summary>A store that cannot reach its database.</summary>
    private protected abstract OpenStore CreateBroken();

    /// <summary>A store and whatever must be disposed with it.</summary>
    private protected sealed class OpenStore(IMessageStore store, params IAsyncDisposable[] owned) : IAsyncDisposable
    {
        public IMessageStore Store { get; } = store;

        public async ValueTask DisposeAsync()
        {
            foreach (var item in owned)
            {
                await item.DisposeAsync();
            }
        }
    }
}
