using HubApp.Storage;

namespace HubApp.Tests.Storage;

/// <summary>What every <see cref="IWebhookStore"/> does, run against each provider by a subclass: the lease that keeps one sender per webhook and room.</summary>
public abstract class WebhookStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OneOwnerHoldsAWebhooksRoomAtATimeAndOnlyItsAdvanceMovesTheCursor()
    {
        await using var opened = await OpenAsync();
        var store = opened.Webhooks;
        await AddAsync(store, "w1", ["lobby"]);

        Assert.Equal(new WebhookLease(0, 0), await store.TryLeaseWebhookRoomAsync("w1", "lobby", "a", Long, CancellationToken.None));
        Assert.Null(await store.TryLeaseWebhookRoomAsync("w1", "lobby", "b", Long, CancellationToken.None));
        Assert.False(await store.AdvanceWebhookCursorAsync("w1", "lobby", "b", 5, CancellationToken.None));
        Assert.NotNull(await store.TryLeaseWebhookRoomAsync("w1", "other", "b", Long, CancellationToken.None));
        Assert.True(await store.AdvanceWebhookCursorAsync("w1", "lobby", "a", 5, CancellationToken.None));

        // The advance freed the lease: the next owner starts from the stored cursor.
        Assert.Equal(new WebhookLease(5, 0), await store.TryLeaseWebhookRoomAsync("w1", "lobby", "b", Long, CancellationToken.None));
        Assert.Equal(5, (await store.GetWebhookCursorsAsync(CancellationToken.None))[("w1", "lobby")]);
    }

    [Fact]
    public async Task AFailedBatchKeepsOthersOffUntilItsRetryIsDueAndAnExpiredLeaseIsTakenOver()
    {
        await using var opened = await OpenAsync();
        var store = opened.Webhooks;
        await AddAsync(store, "w1", null);

        Assert.NotNull(await store.TryLeaseWebhookRoomAsync("w1", "lobby", "a", Long, CancellationToken.None));
        await store.HoldWebhookRoomAsync("w1", "lobby", "a", Long, CancellationToken.None);
        Assert.Null(await store.TryLeaseWebhookRoomAsync("w1", "lobby", "b", Long, CancellationToken.None));
        Assert.Equal(new WebhookLease(0, 1), await store.TryLeaseWebhookRoomAsync("w1", "lobby", "a", Long, CancellationToken.None));

        // A hold that ended a moment ago (a node that died before its retry): another owner takes over, failures and all.
        await store.HoldWebhookRoomAsync("w1", "lobby", "a", TimeSpan.FromMilliseconds(-1000), CancellationToken.None);
        Assert.Equal(new WebhookLease(0, 2), await store.TryLeaseWebhookRoomAsync("w1", "lobby", "b", Long, CancellationToken.None));
        Assert.False(await store.AdvanceWebhookCursorAsync("w1", "lobby", "a", 3, CancellationToken.None));
        Assert.True(await store.AdvanceWebhookCursorAsync("w1", "lobby", "b", 3, CancellationToken.None));
        Assert.Equal(new WebhookLease(3, 0), await store.TryLeaseWebhookRoomAsync("w1", "lobby", "a", Long, CancellationToken.None));
    }

    [Fact]
    public async Task WebhooksAreBoundedKeptAcrossReopeningAndADeleteTakesTheirCursors()
    {
        await using (var first = await OpenAsync())
        {
            await first.Messages.AppendAsync(new WriteBatch([new("lobby", "u", "U", "hello"), new("lobby", "u", "U", "again")], [], DateTime.UtcNow), null, CancellationToken.None);
            await AddAsync(first.Webhooks, "w1", null);
            await AddAsync(first.Webhooks, "w2", ["lobby", "news"]);
            Assert.False(await first.Webhooks.AddWebhookAsync(new StoredWebhook("w3", "https://example.org/", null, "s", DateTime.UtcNow), 2, CancellationToken.None));
            Assert.NotNull(await first.Webhooks.TryLeaseWebhookRoomAsync("w1", "lobby", "a", Long, CancellationToken.None));
            Assert.True(await first.Webhooks.AdvanceWebhookCursorAsync("w1", "lobby", "a", 1, CancellationToken.None));
        }

        await using var second = await OpenAsync();
        var store = second.Webhooks;
        var webhooks = await store.GetWebhooksAsync(CancellationToken.None);

        Assert.Equal([("w1", (string[]?)null), ("w2", ["lobby", "news"])], webhooks.Select(w => (w.Id, w.Rooms?.ToArray())));
        Assert.Equal(2, (await store.GetRoomLatestIdsAsync(CancellationToken.None))["lobby"]);
        Assert.Equal(1, (await store.GetWebhookCursorsAsync(CancellationToken.None))[("w1", "lobby")]);
        Assert.True(await store.DeleteWebhookAsync("w1", CancellationToken.None));
        Assert.False(await store.DeleteWebhookAsync("w1", CancellationToken.None));
        Assert.Empty(await store.GetWebhookCursorsAsync(CancellationToken.None));
        Assert.Null(await store.TryLeaseWebhookRoomAsync("w1", "lobby", "a", Long, CancellationToken.None));
    }

    private protected abstract Task<OpenWebhookStore> OpenAsync();

    private static async Task AddAsync(IWebhookStore store, string id, string[]? rooms) =>
        Assert.True(await store.AddWebhookAsync(new StoredWebhook(id, "https://example.org/hook", rooms, "secret", DateTime.UtcNow), 2, CancellationToken.None));

    private protected sealed class OpenWebhookStore(IWebhookStore webhooks, IMessageStore messages, params IAsyncDisposable[] owned) : IAsyncDisposable
    {
        public IWebhookStore Webhooks { get; } = webhooks;

        public IMessageStore Messages { get; } = messages;

        public async ValueTask DisposeAsync()
        {
            foreach (var item in owned)
            {
                await item.DisposeAsync();
            }
        }
    }
}
