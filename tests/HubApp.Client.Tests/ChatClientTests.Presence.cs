using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Client.Tests;

public sealed partial class ChatClientTests
{
    [Fact]
    public async Task With_batched_presence_it_asks_for_it_and_raises_a_batch_as_UserLeft_then_UserJoined_per_user()
    {
        var client = CreateClient(new ChatClientOptions { ServerUrl = _host.Url, BatchedPresence = true });
        var log = new EventLog<string>();
        var at = new DateTime(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);
        client.UserJoined += e => log.Handle($"+{e.UserId} {e.UserName} {e.Room} {e.At:O}");
        client.UserLeft += e => log.Handle($"-{e.UserId} {e.UserName} {e.Room} {e.At:O}");
        await client.StartAsync().WaitAsync(Timeouts.Default);

        Assert.Equal(PresenceModes.Batched, Assert.Single(_chat.Connections.Values).GetHttpContext()!.Request.Query[PresenceModes.QueryParameter].ToString());
        await _chat.PresenceChangedAsync(new PresenceBatch(Room, [new Member("bob", "Bob"), new Member("dave", "Dave")], [new Member("carol", "Carol")], at));
        await log.WaitForCountAsync(3).WaitAsync(Timeouts.Default);

        Assert.Equal([$"-carol Carol {Room} {at:O}", $"+bob Bob {Room} {at:O}", $"+dave Dave {Room} {at:O}"], log.Items);
    }

    [Fact]
    public async Task Without_batched_presence_it_asks_for_nothing()
    {
        var client = CreateClient();
        await client.StartAsync().WaitAsync(Timeouts.Default);

        Assert.Equal(0, Assert.Single(_chat.Connections.Values).GetHttpContext()!.Request.Query[PresenceModes.QueryParameter].Count);
    }
}
