using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Threads;

/// <summary>Post with replies and threads, GetThread and GetMessages (docs/protocol.md, "Replies and threads"), on one host.</summary>
public sealed class ThreadTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RepliesAndThreadRepliesAreLogEntriesAndTheRootReadsItsThreadEverywhere(bool messagePack)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", messagePack: messagePack);
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", messagePack: messagePack);
        await alice.JoinAsync("room");
        await bob.JoinAsync("room");
        var root = await alice.SendAsync("room", "root");

        var reply = await bob.PostAsync("room", new Draft("an answer", "c-1", ReplyToId: root.Id));
        var inThread = await bob.PostAsync("room", new Draft("in the thread", ThreadId: root.Id));
        var repeat = await bob.PostAsync("room", new Draft("an answer", "c-1", ReplyToId: root.Id));
        var received = await alice.Messages.WaitForCountAsync(3);

        Assert.Equal((2L, (long?)root.Id, (long?)null, "c-1"), (reply.Id, reply.ReplyToId, reply.ThreadId, reply.ClientMessageId));
        Assert.Equal((3L, (long?)null, (long?)root.Id), (inThread.Id, inThread.ReplyToId, inThread.ThreadId));
        Assert.Equal(reply.Id, repeat.Id);
        Assert.Equal([1L, 2L, 3L], received.Select(m => m.Id));
        Assert.Equal((long?)root.Id, received[2].ThreadId);
        var history = await alice.HistoryAsync("room", null, 10);
        Assert.Equal((1, (DateTime?)inThread.SentAt, "alice bob"), Summary(history[0]));
        using (var http = host.CreateHttpClient())
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/rooms/room/messages"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("carol", "carol"));
            using var response = await http.SendAsync(request).DefaultTimeout();
            var overHttp = await response.Content.ReadFromJsonAsync<ChatMessage[]>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
            Assert.Equal((1, (DateTime?)inThread.SentAt, "alice bob"), Summary(overHttp![0]));
        }

        // Deleting the only reply of bob's takes him off the thread; catch-up carries the reply and the delete.
        var delete = await bob.InvokeAsync<ChatMessage>(HubMethods.DeleteMessage, "room", inThread.Id);
        await using var carol = await RawChatConnection.ConnectAsync(host.BaseAddress, "carol", messagePack: messagePack);
        var caughtUp = await carol.JoinAsync("room", root.Id);
        var read = await carol.MessagesAsync("room", 99, root.Id, reply.Id);

        Assert.Equal([2L, 3L, delete.Id], caughtUp.Messages.Select(m => m.Id));
        Assert.Equal(((long?)root.Id, true), (caughtUp.Messages[1].ThreadId, caughtUp.Messages[1].DeletedAt is not null));
        Assert.Equal([root.Id, reply.Id], read.Select(m => m.Id));
        Assert.Equal((0, (DateTime?)null, "alice"), Summary(read[0]));
        Assert.Null(read[1].Thread);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APostIsRefusedWithTheContractsCodesAndTheConnectionGoesOn(bool messagePack)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", messagePack: messagePack);
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", messagePack: messagePack);
        await alice.JoinAsync("room");
        await alice.JoinAsync("elsewhere");
        var root = await alice.SendAsync("room", "root");
        var edit = await alice.InvokeAsync<ChatMessage>(HubMethods.EditMessage, "room", root.Id, "root!");
        var inThread = await alice.PostAsync("room", new Draft("reply", ThreadId: root.Id));
        var foreign = await alice.SendAsync("elsewhere", "over there");

        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft("x", ReplyToId: 99))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft("x", ReplyToId: edit.Id))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft("x", ThreadId: edit.Id))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft("x", ThreadId: inThread.Id))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft("x", ThreadId: foreign.Id + 10))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.PostAsync("elsewhere", new Draft("x", ReplyToId: inThread.Id))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft("x", AttachmentIds: ["upload-1"]))));
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft(" \u200b", ThreadId: root.Id))));
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft("x", "not valid!"))));
        Assert.Equal(ErrorCodes.NotInRoom, await RawChatConnection.RefusalAsync(() => bob.PostAsync("room", new Draft("x", ReplyToId: root.Id))));
        await alice.InvokeAsync(HubMethods.DeleteMessage, "room", root.Id);
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft("to a deleted one", ReplyToId: root.Id))));

        // Nothing refused took an id: the next entry is the next one.
        var next = await alice.PostAsync("room", new Draft("still here", ReplyToId: inThread.Id));
        Assert.Equal(5L, next.Id);
    }

    [Fact]
    public async Task APostInAPrivateRoomIsForbiddenToOutsidersAndMutedForTheMuted()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var owner = await RawChatConnection.ConnectAsync(host.BaseAddress, "owner");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await using var eve = await RawChatConnection.ConnectAsync(host.BaseAddress, "eve");
        await owner.InvokeAsync<RoomInfo>(HubMethods.CreateRoom, "club", RoomKinds.Private, null);
        await owner.InvokeAsync(HubMethods.InviteToRoom, "club", "bob");
        await owner.JoinAsync("club");
        await bob.JoinAsync("club");
        var root = await owner.SendAsync("club", "root");
        await owner.InvokeAsync(HubMethods.MuteInRoom, "club", "bob", null);

        Assert.Equal(ErrorCodes.Forbidden, await RawChatConnection.RefusalAsync(() => eve.PostAsync("club", new Draft("x", ThreadId: root.Id))));
        Assert.Equal(ErrorCodes.Muted, await RawChatConnection.RefusalAsync(() => bob.PostAsync("club", new Draft("x", ThreadId: root.Id))));
        Assert.Equal(ErrorCodes.Forbidden, await RawChatConnection.RefusalAsync(() => eve.ThreadAsync("club", root.Id, null, 10)));
        Assert.Equal(ErrorCodes.Forbidden, await RawChatConnection.RefusalAsync(() => eve.MessagesAsync("club", root.Id)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetThreadPagesTheRepliesAfterAnIdAndNeitherReadNeedsAJoin(bool messagePack)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", messagePack: messagePack);
        await using var reader = await RawChatConnection.ConnectAsync(host.BaseAddress, "reader", messagePack: messagePack);
        await alice.JoinAsync("room");
        var root = await alice.SendAsync("room", "root");
        var other = await alice.SendAsync("room", "another root");
        var replies = new List<ChatMessage>();
        foreach (var text in new[] { "r1", "r2", "r3" })
        {
            replies.Add(await alice.PostAsync("room", new Draft(text, ThreadId: root.Id)));
            await alice.PostAsync("room", new Draft("elsewhere", ThreadId: other.Id));
        }

        var first = await reader.ThreadAsync("room", root.Id, null, 2);
        var rest = await reader.ThreadAsync("room", root.Id, first[^1].Id, 200);
        var clamped = await reader.ThreadAsync("room", root.Id, 0, 0);

        Assert.Equal(["r1", "r2"], first.Select(m => m.Text));
        Assert.Equal(["r3"], rest.Select(m => m.Text));
        Assert.Equal(["r1"], clamped.Select(m => m.Text));
        Assert.Equal(replies.Select(r => r.Id), (await reader.MessagesAsync("room", [.. replies.Select(r => r.Id).Reverse()])).Select(m => m.Id));
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => reader.MessagesAsync("room", [.. Enumerable.Range(1, 101).Select(i => (long)i)])));
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => reader.InvokeAsync<ChatMessage[]>(HubMethods.GetMessages, "room", null)));
        // The connection goes on after the refusals.
        Assert.Single(await reader.MessagesAsync("room", root.Id));
    }

    [Fact]
    public async Task PostDrawsOnTheMessageAllowanceAndARefusedPostTakesNoId()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "1",
            ["Limits:Burst"] = "3",
        });
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("room");
        var root = await alice.SendAsync("room", "root");

        var accepted = new List<ChatMessage>();
        var refused = new List<string?>();
        for (var i = 0; i < 10; i++)
        {
            try
            {
                accepted.Add(await alice.PostAsync("room", new Draft($"r{i}", ThreadId: root.Id)));
            }
            catch (Microsoft.AspNetCore.SignalR.HubException ex)
            {
                refused.Add(ErrorCodes.Find(ex.Message));
            }
        }

        // The burst (one token went to the root) and what refilled while the loop ran; ten posts take far less than the
        // seven seconds it would take to refill them all.
        Assert.True(accepted.Count >= 2 && refused.Count > 0, $"{accepted.Count} accepted, {refused.Count} refused");
        Assert.All(refused, code => Assert.Equal(ErrorCodes.RateLimited, code));
        Assert.Equal(Enumerable.Range(2, accepted.Count).Select(i => (long)i), accepted.Select(m => m.Id));
    }

    private static (int Count, DateTime? LastReplyAt, string Participants) Summary(ChatMessage root) =>
        (root.Thread!.ReplyCount, root.Thread.LastReplyAt, string.Join(' ', root.Thread.ParticipantIds));
}
