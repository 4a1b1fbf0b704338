using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;

namespace HubApp.Tests.Auth;

public sealed class AuthenticationTests
{
    private static readonly string[] CriticalExtensions = ["urn:example:must-understand"];

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "malformed", "not-a-jwt" },
        { "wrong key", TestTokens.Create("alice", key: "some-other-signing-key-of-sufficient-length-0123456789") },
        { "expired", TestTokens.Create("alice", expires: DateTime.UtcNow.AddMinutes(-5), notBefore: DateTime.UtcNow.AddMinutes(-30)) },
        { "not yet valid", TestTokens.Create("alice", notBefore: DateTime.UtcNow.AddMinutes(10), expires: DateTime.UtcNow.AddMinutes(70)) },
        { "wrong issuer", TestTokens.Create("alice", issuer: "someone-else") },
        { "wrong audience", TestTokens.Create("alice", audience: "another-app") },
        { "alg none", TestTokens.AlgNone("alice") },
        { "no subject", TestTokens.WithoutSubject() },
        { "format character in the subject", TestTokens.Create("ali\u200Bce") },
        { "bidi override in the subject", TestTokens.Create("ali\u202Ece") },
        // RFC 7515 §4.1.11: a header naming an extension the recipient does not understand makes the token invalid.
        { "unknown critical header", TestTokens.Create("alice", headers: new Dictionary<string, object> { ["crit"] = CriticalExtensions, ["urn:example:must-understand"] = true }) },
    };

    [Fact]
    public async Task ADisplayNameIsCleanedTheSameLiveAndInHistory()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = host.CreateClient("alice", "  \u202EAl\u200Bice" + new string('e', 70));
        await alice.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync("room").DefaultTimeout();

        var sent = await alice.SendMessageAsync("room", "hi").DefaultTimeout();
        var history = await alice.GetHistoryAsync("room", null, 10).DefaultTimeout();

        Assert.Equal("Alice" + new string('e', 59), sent.UserName);
        Assert.Equal(sent.UserName, Assert.Single(history).UserName);
    }

    [Fact]
    public async Task AHubConnectionWithoutATokenIsRefusedWith401()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var client = host.CreateClient("alice", token: () => string.Empty, autoReconnect: false);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.StartAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task AHubConnectionWithABadTokenIsRefusedWith401(string why, string token)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var client = host.CreateClient("alice", token: () => token, autoReconnect: false);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.StartAsync().DefaultTimeout());

        Assert.True(error.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {error.StatusCode}");
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task StatsRefuseABadBearerTokenWith401(string why, string token)
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await http.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {response.StatusCode}");
    }

    [Fact]
    public async Task TheQueryStringTokenIsHonouredOnlyForHubPaths()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();
        var token = TestTokens.Create("alice");

        using var stats = await http.GetAsync($"/stats?access_token={token}");
        using var negotiate = await http.PostAsync($"{HubMethods.Path}/negotiate?negotiateVersion=1&access_token={token}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, stats.StatusCode);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
    }

    [Fact]
    public Task AConnectionIsClosedWhenItsTokenExpires() => AssertClosedByTheServerAsync(
        new Dictionary<string, string?> { ["Auth:ClockSkew"] = "00:00:00" },
        TestTokens.Create("alice", expires: DateTime.UtcNow.AddSeconds(3)));

    [Fact]
    public Task AConnectionWithATokenValidForACenturyIsClosedAfterTheConfiguredLifetime() => AssertClosedByTheServerAsync(
        new Dictionary<string, string?> { ["Auth:MaxConnectionLifetime"] = "00:00:03" },
        TestTokens.Create("alice", expires: DateTime.UtcNow.AddYears(100)));

    private static async Task AssertClosedByTheServerAsync(Dictionary<string, string?> settings, string token)
    {
        await using var host = await HubAppHost.StartAsync(settings);
        await using var client = host.CreateClient("alice", token: () => token, autoReconnect: false);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Closed += ex =>
        {
            closed.TrySetResult(ex);
            return Task.CompletedTask;
        };
        await client.StartAsync().DefaultTimeout();
        Assert.Equal("pong", await client.PingAsync().DefaultTimeout());

        await closed.Task.DefaultTimeout();

        Assert.Equal(HubApp.Client.ChatConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task AReconnectAfterTokenExpiryUsesAFreshToken()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:ClockSkew"] = "00:00:00" });
        var issued = 0;
        await using var client = host.CreateClient("alice", token: () =>
        {
            Interlocked.Increment(ref issued);
            return TestTokens.Create("alice", expires: DateTime.UtcNow.AddSeconds(3));
        });
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Reconnected += () =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        await client.StartAsync().DefaultTimeout();
        await client.JoinRoomAsync("room").DefaultTimeout();

        await reconnected.Task.DefaultTimeout();

        Assert.True(Volatile.Read(ref issued) >= 2);
        Assert.Equal("room", (await client.SendMessageAsync("room", "still here").DefaultTimeout()).Room);
    }

    [Fact]
    public async Task ConnectionsBeyondTheUsersLimitAreRefusedAndOthersAreUnaffected()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MaxConnectionsPerUser"] = "2" });
        await using var first = await host.ConnectAsync("alice");
        await using var second = await host.ConnectAsync("alice");
        // A client's start completes with the handshake, before the server has run OnConnectedAsync and counted the
        // connection; a round trip on it is answered only after (a refusal at negotiate needs the count).
        Assert.Equal("pong", await second.PingAsync().DefaultTimeout());
        await using var third = host.CreateClient("alice", autoReconnect: false);

        var refusal = await Assert.ThrowsAsync<HttpRequestException>(() => third.StartAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.TooManyRequests, refusal.StatusCode);
        await using var bob = await host.ConnectAsync("bob");
        Assert.Equal("pong", await bob.PingAsync().DefaultTimeout());
        Assert.Equal("pong", await first.PingAsync().DefaultTimeout());
        await second.StopAsync().DefaultTimeout();
        await WaitUntilAcceptedAsync(third);
    }

    [Theory]
    [InlineData(HttpTransportType.LongPolling)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    public async Task AUserAtTheConnectionLimitKeepsUsingTheConnectionTheyHave(HttpTransportType transport)
    {
        // Every poll and every send of these transports is a request of its own, carrying the connection's id.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MaxConnectionsPerUser"] = "1" });
        await using var alice = host.CreateClient("alice", transports: transport);
        var received = new Inbox<ChatMessage>();
        alice.MessageReceived += received.Add;
        await alice.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync("room").DefaultTimeout();

        var sent = new List<ChatMessage>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await alice.SendMessageAsync("room", $"m{i}").DefaultTimeout());
        }

        Assert.Equal(sent, await received.WaitForCountAsync(5));
        await using var second = host.CreateClient("alice", autoReconnect: false);
        var refusal = await Assert.ThrowsAsync<HttpRequestException>(() => second.StartAsync().DefaultTimeout());
        Assert.Equal(HttpStatusCode.TooManyRequests, refusal.StatusCode);
        Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
    }

    [Theory]
    [InlineData(HttpTransportType.LongPolling)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    public async Task AConnectionTokenIsRefusedToAnotherUser(HttpTransportType transport)
    {
        // Both users share a display name: the connection is bound to the user id, not to what is shown.
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();
        var aliceToken = TestTokens.Create("alice", "Sam");
        var malloryToken = TestTokens.Create("mallory", "Sam");
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, $"{HubMethods.Path}/negotiate?negotiateVersion=1");
        negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", aliceToken);
        using var negotiated = await http.SendAsync(negotiate);
        negotiated.EnsureSuccessStatusCode();
        var connectionToken = (await negotiated.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("connectionToken").GetString();

        // Mallory opens Alice's stream (the transport's first request) and sends into it: both refused.
        using (var read = Request(HttpMethod.Get, malloryToken))
        using (var readRefused = await http.SendAsync(read, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.Forbidden, readRefused.StatusCode);
        }

        using (var send = Request(HttpMethod.Post, malloryToken))
        using (var sendRefused = await http.SendAsync(send))
        {
            Assert.Equal(HttpStatusCode.Forbidden, sendRefused.StatusCode);
        }

        // Alice herself opens it.
        using var own = Request(HttpMethod.Get, aliceToken);
        using var opened = await http.SendAsync(own, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);

        HttpRequestMessage Request(HttpMethod method, string token)
        {
            var request = new HttpRequestMessage(method, $"{HubMethods.Path}?id={connectionToken}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("""{"protocol":"json","version":1}""" + '\u001e');
            }
            else if (transport == HttpTransportType.ServerSentEvents)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            }

            return request;
        }
    }

    // The server settles a closed connection just after the client's close; retry the start, bounded.
    private static async Task WaitUntilAcceptedAsync(HubApp.Client.ChatClient client)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            try
            {
                await client.StartAsync(timeout.Token);
                return;
            }
            catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    [Fact]
    public async Task NoTokenAppearsInTheLogsOfGoodOrFailedConnections()
    {
        await using var host = await HubAppHost.StartAsync(environment: "Development");
        var good = TestTokens.Create("alice");
        var expired = TestTokens.Create("alice", expires: DateTime.UtcNow.AddMinutes(-5), notBefore: DateTime.UtcNow.AddMinutes(-30));
        var wrongKey = TestTokens.Create("alice", key: "some-other-signing-key-of-sufficient-length-0123456789");
        await using (var client = host.CreateClient("alice", token: () => good))
        {
            await client.StartAsync().DefaultTimeout();
            await client.JoinRoomAsync("room").DefaultTimeout();
        }

        foreach (var bad in new[] { expired, wrongKey, TestTokens.AlgNone("alice") })
        {
            await using var client = host.CreateClient("alice", token: () => bad, autoReconnect: false);
            await Assert.ThrowsAsync<HttpRequestException>(() => client.StartAsync().DefaultTimeout());
        }

        using var http = host.CreateHttpClient();
        using var issued = await http.PostAsJsonAsync("/auth/token", new { userName = "alice" });
        var devToken = (await issued.Content.ReadFromJsonAsync<TokenAnswer>())!.AccessToken;

        Assert.NotEmpty(host.Logs.Lines);
        foreach (var token in new[] { good, expired, wrongKey, devToken })
        {
            // The signature part is what makes a token usable; no line may carry it.
            var signature = token[(token.LastIndexOf('.') + 1)..];
            Assert.DoesNotContain(host.Logs.Lines, l => l.ToString().Contains(signature, StringComparison.Ordinal));
        }
    }

    private sealed record TokenAnswer(string AccessToken);
}
