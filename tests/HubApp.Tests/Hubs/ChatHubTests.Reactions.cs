using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hubs;

/// <summary>React: entries of the room log, the target read with who reacted (docs/protocol.md, "Reactions").</summary>
public sealed partial class ChatHubTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AReactionIsAnEntryOnlyWhenItChangesSomethingAndEveryReadShowsWhoReacted(bool messagePack)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", messagePack: messagePack);
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", messagePack: messagePack);
        await alice.JoinAsync("room");
        await bob.JoinAsync("room");
        var target = await alice.SendAsync("room", "react to me");

        var added = await bob.InvokeAsync<ChatMessage>(HubMethods.React, "room", target.Id, "👍", true);
        var again = await bob.InvokeAsync<ChatMessage>(HubMethods.React, "room", target.Id, "👍", true);
        var mine = await alice.InvokeAsync<ChatMessage>(HubMethods.React, "ROOM", target.Id, ":tada:", true);
        var removed = await bob.InvokeAsync<ChatMessage>(HubMethods.React, "room", target.Id, "👍", false);
        var notThere = await bob.InvokeAsync<ChatMessage>(HubMethods.React, "room", target.Id, "👍", false);
        var next = await bob.SendAsync("room", "after");

        Assert.Equal((target.Id, target.Text, MessageKinds.Message), (added.Id, added.Text, added.Kind));
        Assert.Equal([("👍", 1, "bob")], Summary(added.Reactions));
        Assert.Equal([("👍", 1, "bob")], Summary(again.Reactions));
        Assert.Equal([("👍", 1, "bob"), (":tada:", 1, "alice")], Summary(mine.Reactions));
        Assert.Equal([(":tada:", 1, "alice")], Summary(removed.Reactions));
        Assert.Equal([(":tada:", 1, "alice")], Summary(notThere.Reactions));
        // Three changes took three ids; the two that changed nothing took none and reached no one.
        Assert.Equal(target.Id + 4, next.Id);
        var received = await alice.Messages.WaitForCountAsync(5);
        Assert.Equal(
            [(target.Id, MessageKinds.Message, "react to me", (long?)null, "alice"), (target.Id + 1, MessageKinds.React, "👍", target.Id, "bob"),
             (target.Id + 2, MessageKinds.React, ":tada:", target.Id, "alice"), (target.Id + 3, MessageKinds.Unreact, "👍", target.Id, "bob"),
             (next.Id, MessageKinds.Message, "after", null, "bob")],
            received.Select(m => (m.Id, m.Kind, m.Text, m.TargetId, m.UserId)));

        var snapshot = await bob.JoinAsync("room", null);
        Assert.Equal([(":tada:", 1, "alice")], Summary(snapshot.Messages[0].Reactions));
        var history = await bob.InvokeAsync<ChatMessage[]>(HubMethods.GetHistory, "room", null, 10);
        Assert.Equal([(":tada:", 1, "alice")], Summary(history[0].Reactions));
        Assert.All(history.Skip(1), m => Assert.Null(m.Reactions));
        var caughtUp = await alice.JoinAsync("room", target.Id);
        Assert.Equal([target.Id + 1, target.Id + 2, target.Id + 3, next.Id], caughtUp.Messages.Select(m => m.Id));
        using var http = host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create("carol"));
        var page = await http.GetStringAsync("/api/rooms/room/messages");
        Assert.Contains("\"reactions\":[{\"emoji\":\":tada:\",\"count\":1,\"userIds\":[\"alice\"]}]", page);
    }

    [Fact]
    public async Task ReactionsThatTheCallerMayNotMakeAreRefusedWithTheContractsCodesAndStoreNothing()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MessagesPerSecond"] = "1000", ["Limits:Burst"] = "1000" });
        await using var owner = await host.ConnectAsync("owner");
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var muted = await RawChatConnection.ConnectAsync(host.BaseAddress, "muted");
        await using var stranger = await RawChatConnection.ConnectAsync(host.BaseAddress, "stranger");
        await owner.CreateRoomAsync("club", RoomKinds.Private, null).DefaultTimeout();
        await owner.InviteAsync("club", "alice").DefaultTimeout();
        await owner.InviteAsync("club", "muted").DefaultTimeout();
        await owner.JoinRoomAsync("club").DefaultTimeout();
        await alice.JoinAsync("club");
        await muted.JoinAsync("club");
        await owner.MuteAsync("club", "muted").DefaultTimeout();
        var target = await alice.SendAsync("club", "target");
        var gone = await alice.SendAsync("club", "gone");
        await alice.InvokeAsync<ChatMessage>(HubMethods.DeleteMessage, "club", gone.Id);
        // Twenty kinds, the most a message may carry (Limits:MaxReactionKinds's default).
        for (var i = 1; i <= 20; i++)
        {
            await alice.InvokeAsync<ChatMessage>(HubMethods.React, "club", target.Id, $":e{i}:", true);
        }

        var before = await alice.InvokeAsync<ChatMessage[]>(HubMethods.GetHistory, "club", null, 100);

        Task React(RawChatConnection who, string room, long id, string? emoji) => who.InvokeAsync<ChatMessage>(HubMethods.React, room, id, emoji, true);
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => React(alice, "club", target.Id, ":e21:")));
        Assert.Equal(ErrorCodes.Muted, await RawChatConnection.RefusalAsync(() => React(muted, "club", target.Id, ":e1:")));
        Assert.Equal(ErrorCodes.Forbidden, await RawChatConnection.RefusalAsync(() => React(stranger, "club", target.Id, ":e1:")));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => React(alice, "club", gone.Id, ":e1:")));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => React(alice, "club", target.Id + 2, ":e1:")));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => React(alice, "club", 999, ":e1:")));
        Assert.Equal(ErrorCodes.NotInRoom, await RawChatConnection.RefusalAsync(() => React(stranger, "lobby", target.Id, ":e1:")));
        foreach (var bad in new[] { "", " ", "a b", "\u0007", new string('x', 33), "\u200b", null })
        {
            Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => React(alice, "club", target.Id, bad)));
        }

        Assert.Equal(before, await alice.InvokeAsync<ChatMessage[]>(HubMethods.GetHistory, "club", null, 100), ChatMessageIds.Instance);
        // Another user's reaction with an emoji already there takes no new kind: it is allowed.
        await using var ownerHere = await RawChatConnection.ConnectAsync(host.BaseAddress, "owner");
        await ownerHere.JoinAsync("club");
        var more = await ownerHere.InvokeAsync<ChatMessage>(HubMethods.React, "club", target.Id, ":e1:", true);
        Assert.Equal((20, 2), (more.Reactions!.Count, more.Reactions[0].Count));
        Assert.Equal("pong", await muted.InvokeAsync<string>(HubMethods.Ping));
    }

    [Fact]
    public async Task ReactionsDrawOnTheMessageAllowance()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MessagesPerSecond"] = "1", ["Limits:Burst"] = "2" });
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("room");
        var target = await alice.SendAsync("room", "x");

        var codes = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            try
            {
                await alice.InvokeAsync<ChatMessage>(HubMethods.React, "room", target.Id, $":r{i}:", true);
                codes.Add(null);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException ex)
            {
                codes.Add(ErrorCodes.Find(ex.Message));
            }
        }

        // One token left after the message, at most a few refilled while the loop ran: most reactions are refused.
        Assert.InRange(codes.Count(c => c == ErrorCodes.RateLimited), 2, 5);
        Assert.All(codes, c => Assert.True(c is null or ErrorCodes.RateLimited, c));
        Assert.Equal("pong", await alice.InvokeAsync<string>(HubMethods.Ping));
    }

    [Fact]
    public async Task DeletingAMessageTakesItsReactionsOutOfTheDatabase()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await alice.JoinAsync("room");
        await bob.JoinAsync("room");
        var target = await alice.SendAsync("room", "doomed");
        var kept = await alice.SendAsync("room", "kept");
        await bob.InvokeAsync<ChatMessage>(HubMethods.React, "room", target.Id, "👍", true);
        await bob.InvokeAsync<ChatMessage>(HubMethods.React, "room", kept.Id, "👍", true);

        await alice.InvokeAsync<ChatMessage>(HubMethods.DeleteMessage, "room", target.Id);

        Assert.Equal([("room", kept.Id, "👍", "bob")], await ReadReactionRowsAsync(host.DatabasePath));
        Assert.Equal([(target.Id, false), (kept.Id, true)], (await ReadSummariesAsync(host.DatabasePath)).Select(r => (r.Id, r.Reactions?.Contains("\"bob\"", StringComparison.Ordinal) == true)));
    }

    private static IEnumerable<(string Emoji, int Count, string Users)> Summary(IReadOnlyList<Reaction>? reactions) =>
        (reactions ?? []).Select(r => (r.Emoji, r.Count, string.Join(",", r.UserIds)));

    private static Task<List<(string Log, long MessageId, string Emoji, string UserId)>> ReadReactionRowsAsync(string databasePath) => ReadRowsAsync(
        databasePath,
        "SELECT log, message_id, emoji, user_id FROM reactions ORDER BY log, message_id, emoji, user_id;",
        r => (r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3)));

    private static Task<List<(long Id, string? Reactions)>> ReadSummariesAsync(string databasePath) => ReadRowsAsync(
        databasePath, "SELECT id, reactions FROM messages WHERE kind = 'message' ORDER BY id;", r => (r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1)));

    /// <summary>Entries compared by id, kind and text (the reactions lists compare by reference).</summary>
    private sealed class ChatMessageIds : IEqualityComparer<ChatMessage>
    {
        public static readonly ChatMessageIds Instance = new();

        public bool Equals(ChatMessage? x, ChatMessage? y) => (x?.Id, x?.Kind, x?.Text, x?.Reactions?.Count) == (y?.Id, y?.Kind, y?.Text, y?.Reactions?.Count);

        public int GetHashCode(ChatMessage obj) => obj.Id.GetHashCode();
    }
}
