using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AMessagePackClientOnAnotherNodeReceivesEveryEventWhole(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        // The official client on MessagePack, so that nothing of HubApp's client stands between the wire and the check.
        await using var bob = new HubConnectionBuilder()
            .WithUrl(new Uri(b.BaseAddress, HubMethods.Path), HttpTransportType.WebSockets, o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestTokens.Create("bob", "Bob")))
            .AddMessagePackProtocol()
            .Build();
        var (messages, joined, typing, direct) = (new Inbox<ChatMessage>(), new Inbox<PresenceEvent>(), new Inbox<TypingEvent>(), new Inbox<DirectMessage>());
        bob.On<ChatMessage>(nameof(IChatClient.MessageReceived), messages.Add);
        bob.On<PresenceEvent>(nameof(IChatClient.UserJoined), joined.Add);
        bob.On<TypingEvent>(nameof(IChatClient.UserTyping), typing.Add);
        bob.On<DirectMessage>(nameof(IChatClient.DirectMessageReceived), direct.Add);
        await bob.StartAsync().DefaultTimeout();
        await bob.InvokeAsync<RoomSnapshot>(HubMethods.JoinRoom, "general", null).DefaultTimeout();

        await alice.JoinRoomAsync("general").DefaultTimeout();
        var presence = await joined.NextAsync();
        var hello = await alice.SendMessageAsync("general", "héllo 👋 from node 0").DefaultTimeout();
        await alice.TypingAsync("general", true).DefaultTimeout();
        var psst = await alice.SendDirectMessageAsync("bob", "psst").DefaultTimeout();

        Assert.Equal(("general", "alice", "alice"), (presence.Room, presence.UserId, presence.UserName));
        Assert.Equal(DateTimeKind.Utc, presence.At.Kind);
        Assert.Equal(hello, await messages.NextAsync());
        Assert.Equal(new TypingEvent("general", "alice", "alice", true), await typing.NextAsync());
        Assert.Equal(psst, await direct.NextAsync());
        Assert.All(cluster.Nodes, n => Assert.True(n.Problems("fail").Count == 0 && n.Problems("crit").Count == 0, cluster.Logs()));
    }
}
