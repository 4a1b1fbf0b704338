using HubApp.Client;
using HubApp.Contracts;
using HubApp.Presence;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Presence;

/// <summary>
/// Batched presence (docs/protocol.md, "Batched presence"): a connection that asks for it gets a room's joins and leaves as
/// <c>PresenceChanged</c>, each user once with their latest change, and no <c>UserJoined</c>/<c>UserLeft</c>; one that does
/// not gets those as before, whoever else in the room asked. Most tests flush by hand, with a window that never ends, so
/// that what a batch holds does not depend on the machine's pace.
/// </summary>
public sealed class BatchedPresenceTests
{
    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task ABurstOfJoinsReachesABatchedMemberAsOneEventNamingEachUserOnceAndAPlainMemberAsOneUserJoinedEach(ChatProtocol protocol)
    {
        const int Joiners = 8;
        await using var host = await StartWithManualFlushAsync();
        await using var watcher = await ConnectAsync(host, "watcher", protocol, batched: true);
        await using var plain = await ConnectAsync(host, "plain", protocol, batched: false);
        await watcher.JoinAsync("lobby");
        await plain.JoinAsync("lobby");
        var users = Enumerable.Range(0, Joiners).Select(i => $"user-{i}").ToArray();
        var clients = await Task.WhenAll(users.Select(u => host.ConnectAsync(u)));
        try
        {
            await Task.WhenAll(clients.Select(c => c.JoinRoomAsync("lobby"))).DefaultTimeout();
            var heard = await plain.Joined.WaitForCountAsync(Joiners);
            host.Services.GetRequiredService<PresenceBatcher>().Flush();

            var batch = await watcher.PresenceBatches.NextAsync();
            Assert.Equal("lobby", batch.Room);
            // The watcher's own join too: a batch goes to every batched member alike, and names users, not connections.
            Assert.Equal(["plain", .. users, "watcher"], batch.Joined.Select(m => m.UserId).Order(StringComparer.Ordinal));
            Assert.Empty(batch.Left);
            Assert.Equal("user-3", batch.Joined.Single(m => m.UserId == "user-3").UserName);
            Assert.Equal(users, heard.Select(e => e.UserId).Order(StringComparer.Ordinal));

            // Writes to a connection keep their order: once a ping's answer is back, everything sent before it is in.
            await Task.WhenAll(watcher.InvokeAsync<string>(HubMethods.Ping), plain.InvokeAsync<string>(HubMethods.Ping));
            Assert.Single(watcher.PresenceBatches.All);
            Assert.Empty(watcher.Joined.All);
            Assert.Empty(watcher.Left.All);
            Assert.Empty(plain.PresenceBatches.All);
            Assert.Equal(Joiners, plain.Joined.All.Count);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task EachUserIsInABatchOnceWithTheirLatestChange()
    {
        await using var host = await StartWithManualFlushAsync();
        await using var carol = await host.ConnectAsync("carol");
        await carol.JoinRoomAsync("lobby").DefaultTimeout();
        await using var watcher = await ConnectAsync(host, "watcher", ChatProtocol.Json, batched: true);
        var snapshot = await watcher.JoinAsync("lobby");
        Assert.Equal(["carol", "watcher"], snapshot.Members.Select(m => m.UserId).Order(StringComparer.Ordinal));
        await using var bob = await host.ConnectAsync("bob");

        await bob.JoinRoomAsync("lobby").DefaultTimeout();
        await bob.LeaveRoomAsync("lobby").DefaultTimeout();
        await carol.LeaveRoomAsync("lobby").DefaultTimeout();
        await carol.JoinRoomAsync("lobby").DefaultTimeout();
        host.Services.GetRequiredService<PresenceBatcher>().Flush();

        // Bob joined and left within the window: left. Carol left and came back: joined (she was listed, and still is).
        var batch = await watcher.PresenceBatches.NextAsync();
        Assert.Equal(["carol", "watcher"], batch.Joined.Select(m => m.UserId).Order(StringComparer.Ordinal));
        Assert.Equal(["bob"], batch.Left.Select(m => m.UserId));
        await watcher.InvokeAsync<string>(HubMethods.Ping);
        Assert.Single(watcher.PresenceBatches.All);
    }

    [Fact]
    public async Task ABatchedConnectionThatLeftTheRoomGetsNoMoreOfItsBatches()
    {
        await using var host = await StartWithManualFlushAsync();
        await using var watcher = await ConnectAsync(host, "watcher", ChatProtocol.Json, batched: true);
        await watcher.JoinAsync("lobby");
        await watcher.JoinAsync("elsewhere");
        await watcher.InvokeAsync(HubMethods.LeaveRoom, "lobby");
        await using var bob = await host.ConnectAsync("bob");

        await bob.JoinRoomAsync("lobby").DefaultTimeout();
        await bob.JoinRoomAsync("elsewhere").DefaultTimeout();
        host.Services.GetRequiredService<PresenceBatcher>().Flush();

        var batch = await watcher.PresenceBatches.NextAsync();
        Assert.Equal("elsewhere", batch.Room);
        Assert.Equal(["bob", "watcher"], batch.Joined.Select(m => m.UserId).Order(StringComparer.Ordinal));
        await watcher.InvokeAsync<string>(HubMethods.Ping);
        Assert.Single(watcher.PresenceBatches.All);
    }

    [Fact]
    public async Task WithTheContractsWindowJoinsAndLeavesArriveByThemselves()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var watcher = await ConnectAsync(host, "watcher", ChatProtocol.MessagePack, batched: true);
        await watcher.JoinAsync("lobby");
        var bob = await host.ConnectAsync("bob");
        await bob.JoinRoomAsync("lobby").DefaultTimeout();

        // The watcher's own join may come in a batch of its own or with bob's, as the timer falls.
        var joined = await watcher.PresenceBatches.NextAsync(b => b.Joined.Any(m => m.UserId == "bob"));
        Assert.Empty(joined.Left);

        await bob.DisposeAsync();
        var left = await watcher.PresenceBatches.NextAsync(b => b.Left.Count > 0);
        Assert.Empty(left.Joined);
        Assert.Equal(["bob"], left.Left.Select(m => m.UserId));
        Assert.Empty(watcher.Joined.All);
        Assert.Empty(watcher.Left.All);
    }

    private static Task<HubAppHost> StartWithManualFlushAsync() =>
        HubAppHost.StartAsync(services: s => s.Configure<PresenceBatchOptions>(o => o.Window = Timeout.InfiniteTimeSpan));

    private static Task<RawChatConnection> ConnectAsync(HubAppHost host, string userId, ChatProtocol protocol, bool batched) =>
        RawChatConnection.ConnectAsync(host.BaseAddress, userId, messagePack: protocol == ChatProtocol.MessagePack, batchedPresence: batched);
}
