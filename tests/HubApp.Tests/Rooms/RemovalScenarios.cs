using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Rooms;

/// <summary>
/// What a removed connection sees, wherever the clients are connected (one host, or two nodes): taken out of the room with
/// <c>RemovedFromRoom</c>, and nothing of the room sent after the change (entries, typing, topic, presence). "Nothing" is
/// shown without waiting for it: a barrier entry in another room the removed user shares with the sender, sent after
/// everything else, arrives first; it goes through the same writer and, on each engine, the same ordered path to the node.
/// </summary>
internal static class RemovalScenarios
{
    /// <summary>
    /// <paramref name="squatter"/> joins an open room whose name is free; <paramref name="owner"/> claims it as private, joins
    /// it (the snapshot lists the owner and <paramref name="witness"/>, the admin "root" who may read any room, if given) and
    /// sends. The squatter is out with reason <c>kicked</c> by the owner; the witness sees them leave.
    /// </summary>
    public static async Task ClaimAsync(ChatClient owner, ChatClient squatter, string squatterId, ChatClient? witness, string room, string elsewhere)
    {
        var seen = Watch(squatter);
        var witnessLeft = new Inbox<PresenceEvent>();
        await squatter.JoinRoomAsync(room).DefaultTimeout();
        if (witness is not null)
        {
            witness.UserLeft += witnessLeft.Add;
            await witness.JoinRoomAsync(room).DefaultTimeout();
        }

        await JoinBothAsync(owner, squatter, elsewhere);

        await owner.CreateRoomAsync(room, RoomKinds.Private, null).DefaultTimeout();
        var snapshot = await owner.JoinRoomAsync(room).DefaultTimeout();
        await SendAfterAsync(owner, room);

        Assert.Equal(new[] { "owner", witness is null ? null : "root" }.OfType<string>().Order(), snapshot.Members.Select(m => m.UserId).Order());
        await AssertRemovedAsync(owner, seen, room, elsewhere, new RoomRemoval(room, RemovalReasons.Kicked, "owner", null));
        // The owner joined after the claim: nobody who may not read the room hears of it.
        Assert.DoesNotContain(seen.Joined.All, e => e.Room == room && e.UserId == "owner");
        if (witness is not null)
        {
            Assert.Equal(squatterId, (await witnessLeft.NextAsync(e => e.Room == room)).UserId);
        }

        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => squatter.JoinRoomAsync(room).DefaultTimeout())).Code);
    }

    /// <summary>
    /// In a private room of <paramref name="owner"/> with <paramref name="target"/> and <paramref name="witness"/> as members,
    /// the owner kicks (or bans) the target and sends at once: the target is out, the witness sees them leave and gets what
    /// was sent.
    /// </summary>
    public static async Task KickOrBanAsync(ChatClient owner, ChatClient target, string targetId, ChatClient witness, string witnessId, string room, string elsewhere, bool ban)
    {
        var seen = Watch(target);
        var (witnessLeft, witnessMessages) = (new Inbox<PresenceEvent>(), new Inbox<ChatMessage>());
        witness.UserLeft += witnessLeft.Add;
        witness.MessageReceived += witnessMessages.Add;
        await owner.CreateRoomAsync(room, RoomKinds.Private, null).DefaultTimeout();
        await owner.InviteAsync(room, targetId).DefaultTimeout();
        await owner.InviteAsync(room, witnessId).DefaultTimeout();
        await owner.JoinRoomAsync(room).DefaultTimeout();
        await target.JoinRoomAsync(room).DefaultTimeout();
        await witness.JoinRoomAsync(room).DefaultTimeout();
        await JoinBothAsync(owner, target, elsewhere);

        await (ban ? owner.BanAsync(room, targetId) : owner.KickAsync(room, targetId)).DefaultTimeout();
        var after = await SendAfterAsync(owner, room);

        await AssertRemovedAsync(owner, seen, room, elsewhere, new RoomRemoval(room, ban ? RemovalReasons.Banned : RemovalReasons.Kicked, "owner", null));
        Assert.Equal(targetId, (await witnessLeft.NextAsync(e => e.Room == room)).UserId);
        Assert.Equal(after, await witnessMessages.NextAsync(m => m.Id == after.Id));
    }

    private static async Task JoinBothAsync(ChatClient owner, ChatClient removed, string elsewhere)
    {
        await owner.JoinRoomAsync(elsewhere).DefaultTimeout();
        await removed.JoinRoomAsync(elsewhere).DefaultTimeout();
    }

    // Everything the room can send its connections, right after the change.
    private static async Task<ChatMessage> SendAfterAsync(ChatClient owner, string room)
    {
        await owner.TypingAsync(room, true).DefaultTimeout();
        await owner.UpdateRoomAsync(room, "after the change").DefaultTimeout();
        return await owner.SendMessageAsync(room, "after the change").DefaultTimeout();
    }

    private static async Task AssertRemovedAsync(ChatClient owner, Seen seen, string room, string elsewhere, RoomRemoval expected)
    {
        Assert.Equal(expected, await seen.Removals.NextAsync());
        var barrier = await owner.SendMessageAsync(elsewhere, "barrier").DefaultTimeout();
        Assert.Equal(barrier, await seen.Messages.NextAsync());
        Assert.DoesNotContain(seen.Typing.All, t => t.Room == room);
        Assert.DoesNotContain(seen.Updates.All, u => u.Room == room);
        Assert.Single(seen.Removals.All);
    }

    private static Seen Watch(ChatClient client)
    {
        var seen = new Seen(new(), new(), new(), new(), new());
        client.MessageReceived += seen.Messages.Add;
        client.UserTyping += seen.Typing.Add;
        client.RoomUpdated += seen.Updates.Add;
        client.UserJoined += seen.Joined.Add;
        client.RemovedFromRoom += seen.Removals.Add;
        return seen;
    }

    private sealed record Seen(Inbox<ChatMessage> Messages, Inbox<TypingEvent> Typing, Inbox<RoomInfo> Updates, Inbox<PresenceEvent> Joined, Inbox<RoomRemoval> Removals);
}
