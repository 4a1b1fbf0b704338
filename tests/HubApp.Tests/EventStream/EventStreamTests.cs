using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.EventStream;

/// <summary><c>GET /api/rooms/{room}/events</c> over the real host on its SQLite file, read as EventSource reads it.</summary>
public sealed class EventStreamTests
{
    [Fact]
    public async Task AStreamAfterAnIdReplaysTheStoredEntriesThenTheLiveOnesInOrderEachOnce()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await JoinedAsync(host, "alice", "room");
        var stored = await SendAsync(alice, "room", 5);

        await using var stream = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "room", afterId: stored[1].Id);
        var live = await SendAsync(alice, "room", 3);

        var read = await stream.NextMessagesAsync(6);
        Assert.Equal([.. stored.Skip(2), .. live], read);
        Assert.Equal(Enumerable.Range(3, 6).Select(i => (long)i), read.Select(m => m.Id));
        // The next entry is the barrier: nothing came twice before it.
        var barrier = await alice.SendMessageAsync("room", "barrier").DefaultTimeout();
        Assert.Equal(barrier, Assert.Single(await stream.NextMessagesAsync(1)));
    }

    [Fact]
    public async Task LastEventIdResumesAfterItAndWinsOverAfterId()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await JoinedAsync(host, "alice", "room");
        var stored = await SendAsync(alice, "room", 6);

        await using var stream = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "room", afterId: 1, lastEventId: stored[3].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(stored.Skip(4), await stream.NextMessagesAsync(2));
        var next = await alice.SendMessageAsync("room", "next").DefaultTimeout();
        Assert.Equal(next, Assert.Single(await stream.NextMessagesAsync(1)));
    }

    [Fact]
    public async Task WithoutAStartingIdOnlyNewEntriesCome()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await JoinedAsync(host, "alice", "room");
        await SendAsync(alice, "room", 3);

        await using var stream = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "room");
        var live = await SendAsync(alice, "room", 2);

        Assert.Equal(live, await stream.NextMessagesAsync(2));
    }

    [Fact]
    public async Task EditsReactionsAndDeletesComeWithTheirKinds()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await JoinedAsync(host, "alice", "room");
        await using var stream = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "room");

        var posted = await alice.SendMessageAsync("room", "first").DefaultTimeout();
        await alice.EditMessageAsync("room", posted.Id, "first, edited").DefaultTimeout();
        await alice.ReactAsync("room", posted.Id, "👍").DefaultTimeout();
        await alice.ReactAsync("room", posted.Id, "👍", add: false).DefaultTimeout();
        await alice.DeleteMessageAsync("room", posted.Id).DefaultTimeout();

        var read = await stream.NextMessagesAsync(5);
        Assert.Equal(
            [MessageKinds.Message, MessageKinds.Edit, MessageKinds.React, MessageKinds.Unreact, MessageKinds.Delete],
            read.Select(m => m.Kind));
        Assert.Equal(posted, read[0]);
        Assert.All(read.Skip(1), m => Assert.Equal(posted.Id, m.TargetId));
        Assert.Equal(("first, edited", "👍"), (read[1].Text, read[2].Text));
        // The entries as they were logged; history shows the message as its changes left it.
        Assert.Equal((await alice.GetHistoryAsync("room", null, 10).DefaultTimeout()).Select(m => (m.Id, m.Kind)), read.Select(m => (m.Id, m.Kind)));
    }

    [Fact]
    public async Task AnOutsiderOfAPrivateRoomIsForbiddenAndAnInvalidStartIsABadRequest()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.CreateRoomAsync("secret", RoomKinds.Private).DefaultTimeout();
        using var http = host.CreateHttpClient();

        using var outsider = await EventStreamReader.SendAsync(http, "mallory", "secret");
        using var badHeader = await EventStreamReader.SendAsync(http, "alice", "secret", lastEventId: "seven");
        using var badQuery = await EventStreamReader.SendAsync(http, "alice", "secret", afterId: -1);
        using var badRoom = await EventStreamReader.SendAsync(http, "alice", "Bad%20Name");

        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
        Assert.Equal(ErrorCodes.Forbidden, await CodeOfAsync(outsider));
        Assert.Equal(
            [(HttpStatusCode.BadRequest, ErrorCodes.InvalidMessage), (HttpStatusCode.BadRequest, ErrorCodes.InvalidMessage), (HttpStatusCode.BadRequest, ErrorCodes.InvalidRoom)],
            [(badHeader.StatusCode, await CodeOfAsync(badHeader)), (badQuery.StatusCode, await CodeOfAsync(badQuery)), (badRoom.StatusCode, await CodeOfAsync(badRoom))]);
        // The owner and an admin read it.
        await using var owners = await EventStreamReader.OpenAsync(host.BaseAddress, "alice", "secret");
        await using var admins = await EventStreamReader.OpenAsync(host.BaseAddress, "root", "secret", roles: [TestTokens.AdminRole]);
    }

    [Fact]
    public async Task ABannedOrKickedReadersStreamEndsAndGetsNothingSentAfter()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.CreateRoomAsync("club", RoomKinds.Public).DefaultTimeout();
        await alice.JoinRoomAsync("club").DefaultTimeout();
        await using var bobs = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "club");
        await using var carols = await EventStreamReader.OpenAsync(host.BaseAddress, "carol", "club");
        await using var olgas = await EventStreamReader.OpenAsync(host.BaseAddress, "olga", "club");
        var before = await alice.SendMessageAsync("club", "before").DefaultTimeout();
        foreach (var stream in new[] { bobs, carols, olgas })
        {
            Assert.Equal([before], await stream.NextMessagesAsync(1));
        }

        await alice.BanAsync("club", "bob").DefaultTimeout();
        await alice.KickAsync("club", "carol").DefaultTimeout();
        var after = await alice.SendMessageAsync("club", "after").DefaultTimeout();

        Assert.Null(await bobs.NextAsync());
        Assert.Null(await carols.NextAsync());
        Assert.Equal([after], await olgas.NextMessagesAsync(1));
        // A banned reader cannot open it again.
        using var http = host.CreateHttpClient();
        using var again = await EventStreamReader.SendAsync(http, "bob", "club");
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
    }

    [Fact]
    public async Task AnOpenRoomClaimedAsPrivateEndsTheStreamsOfThoseWhoMayNoLongerReadIt()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var squatters = await EventStreamReader.OpenAsync(host.BaseAddress, "mallory", "lobby");
        await using var admins = await EventStreamReader.OpenAsync(host.BaseAddress, "root", "lobby", roles: [TestTokens.AdminRole]);
        await using var alice = await host.ConnectAsync("alice");

        await alice.CreateRoomAsync("lobby", RoomKinds.Private).DefaultTimeout();
        await alice.JoinRoomAsync("lobby").DefaultTimeout();
        var secret = await alice.SendMessageAsync("lobby", "secret").DefaultTimeout();

        Assert.Null(await squatters.NextAsync());
        Assert.Equal([secret], await admins.NextMessagesAsync(1));
    }

    [Fact]
    public async Task AQuietStreamSendsKeepAliveComments()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["EventStream:KeepAliveInterval"] = "00:00:00.200" });
        await using var stream = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "room");

        Assert.Equal("keep-alive", await stream.NextCommentAsync());
        Assert.Equal("keep-alive", await stream.NextCommentAsync());
    }

    [Fact]
    public async Task AUserPastTheirStreamBoundIsRefused429WhileOthersStillOpenOne()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["EventStream:MaxStreamsPerUser"] = "2" });
        using var http = host.CreateHttpClient();
        var first = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "room");
        await using var second = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "other");

        using var third = await EventStreamReader.SendAsync(http, "bob", "room");
        await using var carols = await EventStreamReader.OpenAsync(host.BaseAddress, "carol", "room");

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(ErrorCodes.RateLimited, await CodeOfAsync(third));
        // Once one ends, its slot is free again.
        await first.DisposeAsync();
        await using var again = await OpenWithinAsync(host.BaseAddress, "bob", "room");
    }

    [Fact]
    public async Task ANodeHoldingItsMostStreamsRefusesAnotherWith503()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["EventStream:MaxStreams"] = "1" });
        using var http = host.CreateHttpClient();
        await using var bobs = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "room");

        using var carols = await EventStreamReader.SendAsync(http, "carol", "room");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, carols.StatusCode);
        Assert.Equal(ErrorCodes.Unavailable, await CodeOfAsync(carols));
    }

    [Fact]
    public async Task ABrowsersEventSourceMayCarryTheTokenInTheQueryButOnlyOnTheEventStream()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await JoinedAsync(host, "alice", "room");
        using var http = host.CreateHttpClient();

        await using var stream = await EventStreamReader.OpenAsync(host.BaseAddress, "bob", "room", tokenInQuery: true);
        using var messages = await http.GetAsync($"/api/rooms/room/messages?access_token={TestTokens.Create("bob")}").DefaultTimeout();
        var sent = await alice.SendMessageAsync("room", "hello").DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, messages.StatusCode);
        Assert.Equal([sent], await stream.NextMessagesAsync(1));
    }

    private static async Task<ChatClient> JoinedAsync(HubAppHost host, string userId, string room)
    {
        var client = await host.ConnectAsync(userId);
        await client.JoinRoomAsync(room).DefaultTimeout();
        return client;
    }

    /// <summary>Sends <paramref name="count"/> messages one after another; the stored entries.</summary>
    internal static async Task<List<ChatMessage>> SendAsync(ChatClient client, string room, int count)
    {
        var sent = new List<ChatMessage>();
        for (var i = 0; i < count; i++)
        {
            sent.Add(await client.SendMessageAsync(room, $"message {sent.Count + 1}").DefaultTimeout());
        }

        return sent;
    }

    private static async Task<string?> CodeOfAsync(HttpResponseMessage response)
    {
        using var problem = await response.Content.ReadFromJsonAsync<JsonDocument>();
        return problem?.RootElement.GetProperty("code").GetString();
    }

    // The server frees a stream's slot once it sees the client gone, a moment after the client closed it.
    private static async Task<EventStreamReader> OpenWithinAsync(Uri baseAddress, string userId, string room)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            try
            {
                return await EventStreamReader.OpenAsync(baseAddress, userId, room);
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
