using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Rooms;
using HubApp.Testing;

namespace HubApp.Tests.Hardening;

/// <summary>
/// One user attacking the host's resources through legitimate calls: a connection flood, a join flood, and
/// probing for server exception details. Each case: the attacker is held to its limit, others are unaffected.
/// </summary>
public sealed class AbuseTests
{
    [Fact]
    public async Task AFloodOfConnectionsFromOneUserGetsNoMoreThanTheLimitAndAnotherUserChatsMeanwhile()
    {
        const int limit = 20, attempts = 40; // Limits:MaxConnectionsPerUser's default, and twice that
        // A refusal is the client's business: the flood must not put a single error line in the server's log
        // (HubAppHost fails the test on any).
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob");
        await using var carol = await host.ConnectAsync("carol");
        var received = new Inbox<ChatMessage>();
        carol.MessageReceived += received.Add;
        await bob.JoinRoomAsync("lobby").DefaultTimeout();
        await carol.JoinRoomAsync("lobby").DefaultTimeout();
        var flood = Enumerable.Range(0, attempts).Select(_ => host.CreateClient("mallory", autoReconnect: false)).ToArray();
        try
        {
            // Each attempt ends one of three ways: open; 429 before the upgrade; or, when it raced past that check
            // with others, upgraded and then closed at connect with too_many_connections (Closed's error).
            var refusedAt429 = 0;
            var closedWith = new ConcurrentBag<string>();
            foreach (var client in flood)
            {
                client.Closed += ex =>
                {
                    closedWith.Add(ex?.Message ?? "closed without an error");
                    return Task.CompletedTask;
                };
            }

            var floodTask = Task.WhenAll(flood.Select(client => Task.Run(async () =>
            {
                try
                {
                    await client.StartAsync().DefaultTimeout();
                }
                catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref refusedAt429);
                }
            })));
            var chat = new List<ChatMessage>();
            for (var i = 0; i < 20 && (i < 5 || !floodTask.IsCompleted); i++)
            {
                chat.Add(await bob.SendMessageAsync("lobby", $"during the flood {i}").DefaultTimeout());
            }

            await floodTask.DefaultTimeout(TestTimeouts.Slow);

            var stats = await StatsAsync(host, s => s.Connections == limit + 2);
            Assert.Equal(limit + 2, stats.Connections);
            // The server has settled every attempt: those that answer a ping are the ones it kept.
            var answers = await Task.WhenAll(flood.Select(async client =>
            {
                try
                {
                    return await client.PingAsync().DefaultTimeout() == "pong";
                }
                catch (Exception ex) when (ex is InvalidOperationException or ChatException or HttpRequestException)
                {
                    return false;
                }
            }));
            Assert.Equal(limit, answers.Count(a => a));
            Assert.True(refusedAt429 + closedWith.Count <= attempts - limit, $"{refusedAt429} answered 429, {closedWith.Count} closed at connect");
            Assert.All(closedWith, message => Assert.Contains(ErrorCodes.TooManyConnections, message, StringComparison.Ordinal));
            await AssertRefusedWith429Async(host, "mallory");
            Assert.Equal(chat, await received.WaitForCountAsync(chat.Count));
            Assert.Equal("pong", await bob.PingAsync().DefaultTimeout());
        }
        finally
        {
            foreach (var client in flood)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task JoinsBeyondTheUsersAllowanceAreRefusedWithRateLimitedWhileTheConnectionAndOthersCarryOn()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var mallory = await host.ConnectAsync("mallory");
        await using var bob = await host.ConnectAsync("bob");
        await mallory.JoinRoomAsync("home").DefaultTimeout();
        var started = DateTime.UtcNow;

        // Join and leave fresh rooms, the pattern that spams members with presence events, until refused.
        ChatException? refusal = null;
        var joins = 1;
        while (refusal is null && joins < JoinRateLimiter.Burst * 3)
        {
            try
            {
                await mallory.JoinRoomAsync($"room-{joins}").DefaultTimeout();
                await mallory.LeaveRoomAsync($"room-{joins}").DefaultTimeout();
                joins++;
            }
            catch (ChatException ex)
            {
                refusal = ex;
            }
        }

        Assert.NotNull(refusal);
        Assert.Equal(ErrorCodes.RateLimited, refusal.Code);
        // The burst, plus what the bucket refilled while the loop ran.
        var refilled = (int)Math.Ceiling((DateTime.UtcNow - started).TotalMinutes * JoinRateLimiter.PerMinute) + 1;
        Assert.InRange(joins, JoinRateLimiter.Burst, JoinRateLimiter.Burst + refilled);
        Assert.Equal(ChatConnectionState.Connected, mallory.State);
        Assert.Equal("home", (await mallory.JoinRoomAsync("home").DefaultTimeout()).Room); // re-joins do not count
        Assert.Equal("home", (await mallory.SendMessageAsync("home", "still here").DefaultTimeout()).Room);
        Assert.Equal("room-1", (await bob.JoinRoomAsync("room-1").DefaultTimeout()).Room);
    }

    [Fact]
    public async Task AClientInAsManyRoomsAsAllowedRejoinsThemAllAfterReconnectsWithoutARefusal()
    {
        const int rooms = 50; // Limits:MaxRoomsPerConnection's default
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        var reconnected = new Inbox<bool>();
        alice.Reconnected += () => reconnected.Add(true);
        for (var r = 0; r < rooms; r++)
        {
            await alice.JoinRoomAsync($"room-{r}").DefaultTimeout();
        }

        for (var drop = 1; drop <= 2; drop++)
        {
            host.Aborter.AbortUser("alice");
            await reconnected.WaitForCountAsync(drop, TestTimeouts.Slow);

            var stats = await StatsAsync(host, s => s.Rooms.Count == rooms);
            Assert.Equal(rooms, stats.Rooms.Count);
        }

        Assert.Equal(rooms, alice.LastSeenIds.Count);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Message.Contains(ErrorCodes.RateLimited, StringComparison.Ordinal));
    }

    public static TheoryData<string, bool> Environments() => new()
    {
        { "Development", true },
        { "Testing", false },
        { "Production", false },
    };

    // Arguments the server cannot bind make SignalR throw on the server (not a HubException): what the client
    // then sees is SignalR's generic message, plus the exception's type and text only with EnableDetailedErrors.
    [Theory]
    [MemberData(nameof(Environments))]
    public async Task ServerExceptionDetailsReachTheClientOnlyInDevelopment(string environment, bool detailed)
    {
        await using var host = await HubAppHost.StartAsync(environment: environment);
        await using var socket = await RawHubSocket.ConnectAsync(host, "mallory");

        var completion = await socket.InvokeAsync("1", HubMethods.JoinRoom, """[{"not":"a room"},"not a number"]""");
        var pong = await socket.InvokeAsync("2", HubMethods.Ping, "[]");

        Assert.Contains("Failed to invoke 'JoinRoom' due to an error on the server.", completion, StringComparison.Ordinal);
        Assert.Equal(detailed, completion.Contains("Exception", StringComparison.Ordinal));
        Assert.DoesNotContain(" at ", completion, StringComparison.Ordinal); // never a stack trace
        Assert.Contains("\"result\":\"pong\"", pong, StringComparison.Ordinal);
    }

    private static async Task AssertRefusedWith429Async(HubAppHost host, string userId)
    {
        using var http = host.CreateHttpClient();
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, HubMethods.Path + "/negotiate?negotiateVersion=1");
        negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(userId));
        using var response = await http.SendAsync(negotiate);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.StartsWith(ErrorCodes.TooManyConnections + ":", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var client = host.CreateClient(userId, autoReconnect: false);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.StartAsync().DefaultTimeout());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    private static async Task<ChatStats> StatsAsync(HubAppHost host, Func<ChatStats, bool> until)
    {
        using var http = host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("auditor"));
        return await WaitUntilAsync(async () => (await http.GetFromJsonAsync<ChatStats>("/stats"))!, until);
    }

    private static Task<T> WaitUntilAsync<T>(Func<T> read, Func<T, bool> until) => WaitUntilAsync(() => Task.FromResult(read()), until);

    // Polls until the value is as expected, or returns the last one read after TestTimeouts.Default.
    private static async Task<T> WaitUntilAsync<T>(Func<Task<T>> read, Func<T, bool> until)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        var value = await read();
        while (!until(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            value = await read();
        }

        return value;
    }
}
