using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;

namespace HubApp.Client.Tests;

public sealed partial class ChatClientTests
{
    [Fact]
    public async Task Duplicates_of_live_messages_are_dropped()
    {
        var (_, messages) = await StartJoinedClientAsync();

        var first = await _chat.AppendAndPublishAsync(Room, "one");
        await _chat.PublishAsync(first);
        var second = await _chat.AppendAndPublishAsync(Room, "two");
        await _chat.PublishAsync(first);
        var sentinel = await _chat.AppendAndPublishAsync(Room, "three");
        await messages.WaitForAsync(items => items.Contains(sentinel));

        Assert.Equal(Ids([first, second, sentinel]), Ids(messages.Items));
    }

    [Fact]
    public async Task Live_messages_that_arrive_during_a_join_are_raised_after_it_once_and_in_order()
    {
        var client = CreateClient();
        var messages = new EventLog<ChatMessage>();
        client.MessageReceived += messages.Handle;
        await client.StartAsync().WaitAsync(Timeouts.Default);
        var one = _chat.Append(Room, "one");
        var inSnapshot = _chat.Append(Room, "two");
        ChatMessage? late = null;
        _chat.AfterSnapshot = async (room, _) =>
        {
            // Sent live before the snapshot's answer: one it already holds, and a newer one.
            await _chat.PublishAsync(inSnapshot);
            late = await _chat.AppendAndPublishAsync(room, "three");
        };

        var snapshot = await client.JoinRoomAsync(Room).WaitAsync(Timeouts.Default);
        _chat.AfterSnapshot = null;
        var sentinel = await _chat.AppendAndPublishAsync(Room, "four");
        await messages.WaitForAsync(items => items.Contains(sentinel));

        Assert.Equal(Ids([one, inSnapshot]), Ids(snapshot.Messages));
        Assert.Equal(Ids([late!, sentinel]), Ids(messages.Items));
    }

    [Fact]
    public async Task Catching_up_with_repeated_joins_loses_and_doubles_nothing()
    {
        _chat.MaxCatchUp = 2;
        var history = Enumerable.Range(1, 5).Select(i => _chat.Append(Room, $"m{i}")).ToList();
        var client = CreateClient();
        var messages = new EventLog<ChatMessage>();
        client.MessageReceived += messages.Handle;
        await client.StartAsync().WaitAsync(Timeouts.Default);

        var page1 = await client.JoinRoomAsync(Room, sinceId: 0).WaitAsync(Timeouts.Default);
        var liveWhileIncomplete = await _chat.AppendAndPublishAsync(Room, "m6");
        var page2 = await client.JoinRoomAsync(Room, page1.Messages[^1].Id).WaitAsync(Timeouts.Default);
        var page3 = await client.JoinRoomAsync(Room, page2.Messages[^1].Id).WaitAsync(Timeouts.Default);
        var sentinel = await _chat.AppendAndPublishAsync(Room, "m7");
        await messages.WaitForAsync(items => items.Contains(sentinel));

        Assert.False(page1.Complete);
        Assert.False(page2.Complete);
        Assert.True(page3.Complete);
        var seen = page1.Messages.Concat(page2.Messages).Concat(page3.Messages).Concat(messages.Items);
        Assert.Equal(Ids([.. history, liveWhileIncomplete, sentinel]), Ids(seen));
    }

    [Fact]
    public async Task A_left_room_is_no_longer_tracked()
    {
        var (client, _) = await StartJoinedClientAsync();

        await client.LeaveRoomAsync("LOBBY").WaitAsync(Timeouts.Default);

        Assert.Empty(client.LastSeenIds);
    }
}
