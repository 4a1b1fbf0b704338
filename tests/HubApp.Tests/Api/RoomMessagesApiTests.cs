using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Storage;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Api;

/// <summary>
/// <c>POST</c> and <c>GET /api/rooms/{room}/messages</c> over the real host, on each store (a subclass picks it): the
/// hub's services behind them, so what the API stores is what hub members receive and read.
/// </summary>
public abstract partial class RoomMessagesApiTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task APostIsStoredAsTheTokensUserAnsweredWith201AndReachesEveryHubMemberOfTheRoomOnce()
    {
        await using var host = await StartAsync();
        await using var bob = await host.ConnectAsync("bob");
        var received = new Inbox<ChatMessage>();
        bob.MessageReceived += received.Add;
        await bob.JoinRoomAsync("general").DefaultTimeout();
        using var http = host.CreateHttpClient();

        using var response = await PostAsync(http, "alice", "General", new { text = "hello from a bot" }, userName: "Alice Bot");
        var posted = await ReadMessageAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(("general", "alice", "Alice Bot", "hello from a bot", MessageKinds.Message, (string?)null), (posted.Room, posted.UserId, posted.UserName, posted.Text, posted.Kind, posted.ClientMessageId));
        Assert.Equal(posted, await received.NextAsync());
        // Bob's own message is the barrier: nothing more of alice's reached him before it.
        var barrier = await bob.SendMessageAsync("general", "barrier").DefaultTimeout();
        Assert.Equal(barrier, await received.NextAsync());
        Assert.Equal([posted, barrier], await bob.GetHistoryAsync("general", null, 10).DefaultTimeout());
    }

    [Fact]
    public async Task ARepeatedClientMessageIdIsAnswered200WithTheFirstEntryAndNothingIsStoredOrDeliveredAgain()
    {
        await using var host = await StartAsync();
        await using var bob = await host.ConnectAsync("bob");
        var received = new Inbox<ChatMessage>();
        bob.MessageReceived += received.Add;
        await bob.JoinRoomAsync("room").DefaultTimeout();
        using var http = host.CreateHttpClient();

        using var first = await PostAsync(http, "alice", "room", new { text = "once", clientMessageId = "bot-1" });
        using var again = await PostAsync(http, "alice", "room", new { text = "once, retried", clientMessageId = "bot-1" });
        using var other = await PostAsync(http, "carol", "room", new { text = "same id, other user", clientMessageId = "bot-1" });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Created), (first.StatusCode, again.StatusCode, other.StatusCode));
        var stored = await ReadMessageAsync(first);
        Assert.Equal(stored, await ReadMessageAsync(again));
        Assert.Equal(("once", "bot-1"), (stored.Text, stored.ClientMessageId));
        var carols = await ReadMessageAsync(other);
        Assert.Equal(stored.Id + 1, carols.Id);
        Assert.Equal([stored, carols], await received.WaitForCountAsync(2));
        Assert.Equal([stored, carols], await bob.GetHistoryAsync("room", null, 10).DefaultTimeout());
    }

    [Fact]
    public async Task ConcurrentRepeatsStoreOneEntryOneOfThemIsAnswered201AndTheOthers200WithIt()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(http, "alice", "room", new { text = "once", clientMessageId = "same" }))).DefaultTimeout();
        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            var answers = await Task.WhenAll(responses.Select(ReadMessageAsync));
            Assert.Single(answers.Distinct());
            Assert.Equal([answers[0]], await GetMessagesAsync(http, "alice", "room"));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("POST", null)]
    [InlineData("POST", "not-a-token")]
    [InlineData("GET", null)]
    [InlineData("GET", "not-a-token")]
    public async Task RequestsWithoutAValidTokenAre401AndStoreNothing(string method, string? token)
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/rooms/room/messages");
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { text = "anonymous" });
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await GetMessagesAsync(http, "alice", "room"));
    }

    [Theory]
    [InlineData("bad room", """{"text":"x"}""", "application/json", ErrorCodes.InvalidRoom)]
    [InlineData("-dash-first", """{"text":"x"}""", "application/json", ErrorCodes.InvalidRoom)]
    [InlineData("a0123456789012345678901234567890123456789012345678901234567890123", """{"text":"x"}""", "application/json", ErrorCodes.InvalidRoom)]
    [InlineData("room", """{"text":""}""", "application/json", ErrorCodes.InvalidMessage)]
    [InlineData("room", """{"text":"   "}""", "application/json", ErrorCodes.InvalidMessage)]
    [InlineData("room", """{"clientMessageId":"no-text"}""", "application/json", ErrorCodes.InvalidMessage)]
    [InlineData("room", """{"text":"x","clientMessageId":"has space"}""", "application/json", ErrorCodes.InvalidMessage)]
    [InlineData("room", """{"text":"x","clientMessageId":""}""", "application/json", ErrorCodes.InvalidMessage)]
    [InlineData("room", """{"text":"x""", "application/json", ErrorCodes.InvalidMessage)]
    [InlineData("room", """{"text":5}""", "application/json", ErrorCodes.InvalidMessage)]
    [InlineData("room", "null", "application/json", ErrorCodes.InvalidMessage)]
    [InlineData("room", "", "application/json", ErrorCodes.InvalidMessage)]
    [InlineData("room", """{"text":"eleven char"}""", "application/json", ErrorCodes.MessageTooLong)]
    public async Task ABadPostIsAProblemWithTheContractsCodeAndNothingIsStored(string room, string body, string contentType, string code)
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Limits:MaxMessageLength"] = "10" });
        using var http = host.CreateHttpClient();
        using var content = new StringContent(body, Encoding.UTF8, contentType);

        using var response = await SendAsync(http, HttpMethod.Post, "alice", $"/api/rooms/{Uri.EscapeDataString(room)}/messages", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Empty(await GetMessagesAsync(http, "alice", "room"));
        using var good = await PostAsync(http, "alice", "room", new { text = "ten chars!" });
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }

    [Theory]
    [InlineData("text=x", "application/x-www-form-urlencoded")]
    [InlineData("{\"text\":\"x\"}", "text/plain")]
    public async Task ABodyThatIsNotJsonIs415WithInvalidMessage(string body, string contentType)
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        using var content = new StringContent(body, Encoding.UTF8, contentType);

        using var response = await SendAsync(http, HttpMethod.Post, "alice", "/api/rooms/room/messages", content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ErrorCodes.InvalidMessage);
        Assert.Empty(await GetMessagesAsync(http, "alice", "room"));
    }

    [Fact]
    public async Task ABodyOverTheReceiveLimitIsRefusedWithMessageTooLongBeforeItIsRead()
    {
        // The limit is the hub's: 6 bytes a character (all escapes) and 2 KB of envelope, 2108 bytes here.
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Limits:MaxMessageLength"] = "10" });
        using var http = host.CreateHttpClient();
        var padding = new string(' ', 4096);
        using var declared = new StringContent($$"""{"text":"short"{{padding}}}""", Encoding.UTF8, "application/json");
        // Chunked, with no Content-Length to check up front: refused as the excess arrives.
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"text":"short"{{padding}}}""")));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var withLength = await SendAsync(http, HttpMethod.Post, "alice", "/api/rooms/room/messages", declared);
        using var withoutLength = await SendAsync(http, HttpMethod.Post, "alice", "/api/rooms/room/messages", chunked);

        await AssertProblemAsync(withLength, HttpStatusCode.BadRequest, ErrorCodes.MessageTooLong);
        await AssertProblemAsync(withoutLength, HttpStatusCode.BadRequest, ErrorCodes.MessageTooLong);
        Assert.Empty(await GetMessagesAsync(http, "alice", "room"));
    }

    [Fact]
    public async Task PostsBeyondTheUsersBurstAre429WithRetryAfterAndOtherUsersAreNotLimited()
    {
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "1",
            ["Limits:Burst"] = "5",
        });
        using var http = host.CreateHttpClient();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 12; i++)
        {
            var response = await PostAsync(http, "alice", "room", new { text = $"m{i}" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && refused is null)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        using (refused)
        {
            using var bobs = await PostAsync(http, "bob", "room", new { text = "bob is not limited by alice" });

            // The burst of 5 plus at most the few tokens refilled while the loop ran.
            var accepted = statuses.Count(s => s == HttpStatusCode.Created);
            Assert.InRange(accepted, 5, 8);
            Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.TooManyRequests }));
            Assert.NotNull(refused);
            await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
            Assert.InRange(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 1, 5);
            Assert.Equal(HttpStatusCode.Created, bobs.StatusCode);
            Assert.Equal(accepted + 1, (await GetMessagesAsync(http, "alice", "room")).Count);
        }
    }

    [Fact]
    public async Task WhileTheStoreIsDownPostsAndReadsAre503UnavailableAndItRecovers()
    {
        await using var host = await StartAsync(services: SwitchableStore.Install);
        host.ExpectErrors();
        var store = (SwitchableStore)host.Services.GetRequiredService<IMessageStore>();
        using var http = host.CreateHttpClient();

        store.Failing = true;
        using (var post = await PostAsync(http, "alice", "room", new { text = "during" }))
        using (var get = await SendAsync(http, HttpMethod.Get, "alice", "/api/rooms/room/messages"))
        {
            await AssertProblemAsync(post, HttpStatusCode.ServiceUnavailable, ErrorCodes.Unavailable);
            await AssertProblemAsync(get, HttpStatusCode.ServiceUnavailable, ErrorCodes.Unavailable);
        }

        store.Failing = false;
        using var after = await PostAsync(http, "alice", "room", new { text = "after" });
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(["after"], (await GetMessagesAsync(http, "alice", "room")).Select(m => m.Text));
    }

    /// <summary>Starts the host on the subclass's store.</summary>
    private protected abstract Task<HubAppHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string environment = "Testing");

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string userId, string room, object body, string? userName = null, IReadOnlyList<string>? roles = null) =>
        SendAsync(http, HttpMethod.Post, userId, $"/api/rooms/{room}/messages", JsonContent.Create(body), userName, roles);

    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpMethod method, string userId, string path, HttpContent? content = null, string? userName = null, IReadOnlyList<string>? roles = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(userId, userName, roles: roles));
        return await http.SendAsync(request).DefaultTimeout();
    }

    private static async Task<ChatMessage> ReadMessageAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<ChatMessage>(Json) ?? throw new InvalidOperationException("No message in the answer.");

    private static async Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(HttpClient http, string userId, string room, string query = "")
    {
        using var response = await SendAsync(http, HttpMethod.Get, userId, $"/api/rooms/{room}/messages{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<ChatMessage[]>(Json) ?? [];
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
    }
}
