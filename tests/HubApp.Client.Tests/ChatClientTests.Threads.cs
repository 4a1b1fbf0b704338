using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;

namespace HubApp.Client.Tests;

// Contract v3 on the outbox: drafts, reactions, direct-message edits; and Mentioned.
public sealed partial class ChatClientTests
{
    [Fact]
    public async Task PostAsync_gives_a_draft_one_clientMessageId_posts_it_again_after_a_lost_acknowledgement_and_it_is_stored_once()
    {
        var (client, messages) = await StartJoinedClientAsync();
        var root = await client.SendMessageAsync(Room, "root").WaitAsync(Timeouts.Default);
        LoseTheFirstAcknowledgement(client, out var reconnected);

        var reply = await client.PostAsync(Room, new Draft("in the thread", ThreadId: root.Id)).WaitAsync(Timeouts.Default);
        await reconnected.WaitForCountAsync(1);

        var posts = _chat.Posts.Where(p => p.Method == nameof(FakeChatHub.Post)).ToArray();
        Assert.Equal(2, posts.Length);
        Assert.Single(posts.Select(p => p.ClientMessageId).Distinct());
        Assert.Matches("^[A-Za-z0-9_-]{1,64}$", posts[0].ClientMessageId);
        Assert.Equal((posts[0].ClientMessageId, (long?)root.Id), (reply.ClientMessageId, reply.ThreadId));
        Assert.Equal([root.Id, reply.Id], Ids(_chat.Snapshot(Room, 0).Messages));
        await messages.WaitForCountAsync(2);
        Assert.Equal([root.Id, reply.Id], Ids(messages.Items));
    }

    [Fact]
    public async Task A_draft_with_a_clientMessageId_of_its_own_is_posted_with_it()
    {
        var (client, _) = await StartJoinedClientAsync();

        var first = await client.PostAsync(Room, new Draft("once", "my-id-1")).WaitAsync(Timeouts.Default);
        var again = await client.PostAsync(Room, new Draft("once", "my-id-1")).WaitAsync(Timeouts.Default);

        Assert.Equal("my-id-1", first.ClientMessageId);
        Assert.Equal(first, again);
        Assert.Single(_chat.Snapshot(Room, 0).Messages);
    }

    [Fact]
    public async Task ReactAsync_posted_again_after_a_lost_acknowledgement_stores_one_react_entry_raised_in_the_rooms_order()
    {
        var (client, messages) = await StartJoinedClientAsync();
        var target = await client.SendMessageAsync(Room, "react to me").WaitAsync(Timeouts.Default);
        LoseTheFirstAcknowledgement(client, out var reconnected);

        var answer = await client.ReactAsync(Room, target.Id, "👍").WaitAsync(Timeouts.Default);
        await reconnected.WaitForCountAsync(1);
        var removed = await client.ReactAsync(Room, target.Id, "👍", add: false).WaitAsync(Timeouts.Default);

        Assert.Equal(target.Id, answer.Id);
        Assert.Equal(3, _chat.Posts.Count(p => p.Method == nameof(FakeChatHub.React)));
        var log = _chat.Snapshot(Room, 0).Messages;
        Assert.Equal([MessageKinds.Message, MessageKinds.React, MessageKinds.Unreact], log.Select(m => m.Kind));
        Assert.All(log.Skip(1), e => Assert.Equal((target.Id, "👍"), (e.TargetId!.Value, e.Text)));
        await messages.WaitForCountAsync(3);
        Assert.Equal(Ids(log), Ids(messages.Items));
        Assert.Equal(target.Id, removed.Id);
    }

    [Fact]
    public async Task An_edit_of_a_direct_message_is_not_posted_again_after_a_lost_connection_since_it_would_be_stored_twice()
    {
        var (client, _) = await StartJoinedClientAsync();
        LoseTheFirstAcknowledgement(client, out var reconnected);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => client.EditDirectMessageAsync(2, "fixed").WaitAsync(Timeouts.Default));
        await reconnected.WaitForCountAsync(1);

        Assert.Contains("may or may not", failure.Message, StringComparison.Ordinal);
        Assert.Single(_chat.Posts);
        Assert.Equal(0, client.PendingSends);
    }

    [Fact]
    public async Task Mentioned_is_raised_with_the_message_also_for_a_room_not_joined_and_MessageReceived_is_not()
    {
        var (client, messages) = await StartJoinedClientAsync();
        var mentions = new EventLog<ChatMessage>();
        client.Mentioned += mentions.Handle;
        var elsewhere = new ChatMessage(4, "elsewhere", "u2", "bob", "hi @alice", DateTime.UtcNow, Mentions: ["alice"]);

        await _chat.MentionAsync(elsewhere);
        await mentions.WaitForCountAsync(1);

        Assert.Equal(elsewhere.Mentions, mentions.Items.Single().Mentions);
        Assert.Equal((4L, "elsewhere", "hi @alice"), (mentions.Items.Single().Id, mentions.Items.Single().Room, mentions.Items.Single().Text));
        // The mention of another room is not one of this room's log entries.
        var sentinel = await _chat.AppendAndPublishAsync(Room, "after");
        await messages.WaitForAsync(items => items.Contains(sentinel));
        Assert.Equal([sentinel], messages.Items);
    }

    // The first post of the test stores its entry, then loses the connection before the answer goes back.
    private void LoseTheFirstAcknowledgement(ChatClient client, out EventLog<bool> reconnected)
    {
        var log = new EventLog<bool>();
        client.Reconnected += () => log.Handle(true);
        reconnected = log;
        var cuts = 0;
        _chat.AfterPostStored = async _ =>
        {
            if (Interlocked.Increment(ref cuts) == 1)
            {
                _chat.AbortAll();
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        };
    }
}
