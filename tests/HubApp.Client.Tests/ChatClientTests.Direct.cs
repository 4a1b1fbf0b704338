using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;

namespace HubApp.Client.Tests;

public sealed partial class ChatClientTests
{
    [Fact]
    public async Task After_a_reconnect_direct_messages_are_synced_and_each_is_raised_once_in_order_also_when_it_came_live_too()
    {
        _chat.MaxCatchUp = 1;
        var client = CreateClient();
        var direct = new EventLog<DirectMessage>();
        var reconnected = new EventLog<bool>();
        client.DirectMessageReceived += direct.Handle;
        client.Reconnected += () => reconnected.Handle(true);
        await client.StartAsync().WaitAsync(Timeouts.Default);
        var first = _chat.AppendDirect("bob", "live");
        await _chat.PublishDirectAsync(first);
        await direct.WaitForCountAsync(1);
        var missed = new[] { _chat.AppendDirect("bob", "missed 1"), _chat.AppendDirect("bob", "missed 2") };
        _chat.AfterSync = async sinceId =>
        {
            // During the first page: the message that page returns, and one raised long ago, both again live.
            if (sinceId == first.Id)
            {
                await _chat.PublishDirectAsync(missed[0]);
                await _chat.PublishDirectAsync(first);
            }
        };

        _chat.AbortAll();
        await reconnected.WaitForCountAsync(1);
        _chat.AfterSync = null;
        var after = _chat.AppendDirect("bob", "after");
        await _chat.PublishDirectAsync(after);
        await direct.WaitForAsync(items => items.Contains(after));

        Assert.Equal([first.Id, missed[0].Id, missed[1].Id, after.Id], direct.Items.Select(m => m.Id));
        // At start (none seen yet), then from the highest id raised, page after page.
        Assert.Equal([null, first.Id, missed[0].Id], _chat.Syncs);
        Assert.Equal(after.Id, client.LastDirectMessageId);
    }

    [Fact]
    public async Task At_start_the_latest_direct_messages_are_raised_once()
    {
        var earlier = new[] { _chat.AppendDirect("bob", "one"), _chat.AppendDirect("carol", "two") };
        var client = CreateClient();
        var direct = new EventLog<DirectMessage>();
        client.DirectMessageReceived += direct.Handle;

        await client.StartAsync().WaitAsync(Timeouts.Default);
        await direct.WaitForCountAsync(2);

        Assert.Equal(earlier, direct.Items);
        Assert.Equal(earlier[1].Id, client.LastDirectMessageId);
    }

    [Fact]
    public async Task Marking_read_on_one_connection_raises_ReadMarkerMoved_on_the_others()
    {
        var reader = CreateClient();
        var other = CreateClient();
        var markers = new EventLog<ReadMarker>();
        other.ReadMarkerMoved += markers.Handle;
        await reader.StartAsync().WaitAsync(Timeouts.Default);
        await other.StartAsync().WaitAsync(Timeouts.Default);

        await reader.MarkReadAsync("Lobby", 7).WaitAsync(Timeouts.Default);
        await reader.MarkDirectReadAsync("bob", 12).WaitAsync(Timeouts.Default);
        await markers.WaitForCountAsync(2);

        Assert.Equal([new ReadMarker(Room, null, 7), new ReadMarker(null, "bob", 12)], markers.Items);
    }

    [Fact]
    public async Task Direct_history_and_conversations_come_back_as_the_server_sent_them()
    {
        var sent = new[] { _chat.AppendDirect("bob", "one"), _chat.AppendDirect("bob", "two"), _chat.AppendDirect("bob", "three") };
        var client = CreateClient();
        await client.StartAsync().WaitAsync(Timeouts.Default);

        var older = await client.GetDirectHistoryAsync("bob", sent[2].Id, 10).WaitAsync(Timeouts.Default);
        var conversations = await client.GetConversationsAsync().WaitAsync(Timeouts.Default);
        var sync = await client.SyncDirectMessagesAsync(sent[0].Id).WaitAsync(Timeouts.Default);

        Assert.Equal(sent[..2], older);
        Assert.Equal(sent[2], Assert.Single(conversations).LastMessage);
        Assert.Equal(sent[1..], sync.Messages);
        Assert.True(sync.Complete);
    }
}
