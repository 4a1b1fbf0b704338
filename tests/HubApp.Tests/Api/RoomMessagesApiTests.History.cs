using System.Net;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Api;

public abstract partial class RoomMessagesApiTests
{
    [Fact]
    public async Task GetPagesTheRoomLogAscendingBackwardsFromBeforeIdAndForwardsFromAfterId()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var sent = new List<ChatMessage>();
        for (var i = 1; i <= 7; i++)
        {
            sent.Add(await alice.SendMessageAsync("room", $"m{i}").DefaultTimeout());
        }

        Assert.Equal(sent, await GetMessagesAsync(http, "bob", "ROOM"));
        Assert.Equal(Ids(5, 6, 7), Ids(await GetMessagesAsync(http, "bob", "room", "?limit=3")));
        Assert.Equal(Ids(2, 3, 4), Ids(await GetMessagesAsync(http, "bob", "room", "?beforeId=5&limit=3")));
        Assert.Equal(Ids(1), Ids(await GetMessagesAsync(http, "bob", "room", "?beforeId=2")));
        Assert.Equal(Ids(3, 4, 5), Ids(await GetMessagesAsync(http, "bob", "room", "?afterId=2&limit=3")));
        Assert.Equal(Ids(6, 7), Ids(await GetMessagesAsync(http, "bob", "room", "?afterId=5&limit=200")));
        Assert.Equal(Ids(1), Ids(await GetMessagesAsync(http, "bob", "room", "?afterId=0&limit=1")));
        Assert.Empty(await GetMessagesAsync(http, "bob", "room", "?afterId=7"));
        Assert.Empty(await GetMessagesAsync(http, "bob", "empty-room"));
    }

    [Fact]
    public async Task WithoutALimitAPageHas50AndTheLimitMayBeAnythingFrom1To200()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        // Sent without waiting for each answer: the writer commits them in a few batches, in order.
        await Task.WhenAll(Enumerable.Range(1, 210).Select(i => alice.PostMessageAsync("room", $"m{i}", null))).DefaultTimeout(TestTimeouts.Slow);

        var latest = await GetMessagesAsync(http, "bob", "room");
        var most = await GetMessagesAsync(http, "bob", "room", "?limit=200");
        var first = await GetMessagesAsync(http, "bob", "room", "?afterId=0&limit=200");

        Assert.Equal(Enumerable.Range(161, 50).Select(i => (long)i), Ids(latest));
        Assert.Equal(Enumerable.Range(11, 200).Select(i => (long)i), Ids(most));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), Ids(first));
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=201")]
    [InlineData("?limit=-1")]
    [InlineData("?beforeId=5&afterId=1")]
    [InlineData("?afterId=0&beforeId=0&limit=10")]
    [InlineData("?limit=ten")]
    [InlineData("?beforeId=1.5")]
    [InlineData("?afterId=99999999999999999999")]
    public async Task APageOutOfTheContractsBoundsOrNotANumberIsAProblemWithInvalidMessage(string query)
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await SendAsync(http, HttpMethod.Get, "bob", $"/api/rooms/room/messages{query}");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidMessage);
    }

    [Fact]
    public async Task GettingABadRoomNameIsAProblemWithInvalidRoom()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await SendAsync(http, HttpMethod.Get, "bob", "/api/rooms/no%20spaces/messages");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRoom);
    }

    [Fact]
    public async Task AnswersAreWrittenLikeTheHubsJsonCamelCaseWithTextAsUtf8AndMarkupEscaped()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();

        using var posted = await PostAsync(http, "alice", "room", new { text = "hi 👋 <b>é</b>", clientMessageId = "c-1" });
        using var read = await SendAsync(http, HttpMethod.Get, "alice", "/api/rooms/room/messages");

        foreach (var body in new[] { await posted.Content.ReadAsStringAsync(), await read.Content.ReadAsStringAsync() })
        {
            Assert.Contains("\"text\":\"hi 👋 \\u003Cb\\u003Eé\\u003C/b\\u003E\"", body, StringComparison.Ordinal);
            Assert.Contains("\"clientMessageId\":\"c-1\"", body, StringComparison.Ordinal);
            Assert.Contains("\"userId\":\"alice\"", body, StringComparison.Ordinal);
            Assert.Contains("\"kind\":\"message\"", body, StringComparison.Ordinal);
        }

        Assert.Equal("utf-8", posted.Content.Headers.ContentType?.CharSet);
    }

    private static long[] Ids(params long[] ids) => ids;

    private static long[] Ids(IEnumerable<ChatMessage> messages) => [.. messages.Select(m => m.Id)];
}
