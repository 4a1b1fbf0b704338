using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    // Edit and delete entries take the room's ids from the shared store and travel the room log's path (Redis: the
    // sequencer's channel, which delivers by id): on another node they arrive in id order, between messages, and a
    // member there who was away gets them by catch-up, with the targets read in their current state.
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task EditsAndDeletesMadeOnOneNodeArriveOnTheOtherInIdOrderAndByCatchUp(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var alice = await a.ConnectAsync("alice");
        await using var bob = await b.ConnectAsync("bob");
        var bobMessages = new Inbox<ChatMessage>();
        bob.MessageReceived += bobMessages.Add;
        await alice.JoinRoomAsync("general").DefaultTimeout();
        await bob.JoinRoomAsync("general").DefaultTimeout();

        var first = await alice.SendMessageAsync("general", "frist").DefaultTimeout();
        var edit = await alice.EditMessageAsync("general", first.Id, "first").DefaultTimeout();
        var second = await bob.SendMessageAsync("general", "second").DefaultTimeout();
        var delete = await alice.DeleteMessageAsync("general", first.Id).DefaultTimeout();

        Assert.Equal([first.Id, first.Id + 1, first.Id + 2, first.Id + 3], new[] { first.Id, edit.Id, second.Id, delete.Id });
        Assert.Equal([first, edit, second, delete], await bobMessages.WaitForCountAsync(4));

        var caughtUp = await bob.JoinRoomAsync("general", first.Id).DefaultTimeout();
        Assert.Equal([edit with { Text = string.Empty, DeletedAt = delete.SentAt }, second, delete], caughtUp.Messages);
        var history = await RoomHistory.ReadAllAsync(bob, "general");
        Assert.Equal([(first.Id, string.Empty, true), (edit.Id, string.Empty, true), (second.Id, "second", false), (delete.Id, string.Empty, false)],
            history.Select(m => (m.Id, m.Text, m.DeletedAt is not null)));
    }
}
