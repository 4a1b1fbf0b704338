using System.Net;
using System.Net.Http.Headers;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Telemetry;

/// <summary><c>GET /metrics</c> on the real host: what traffic does to HubApp's meter, the framework's meters, and the switches.</summary>
[Collection(RunsAlone.Name)]
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task TrafficMovesEachHubAppCounterByWhatWasDone()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        var (bobMessages, bobDirect) = (new Inbox<ChatMessage>(), new Inbox<DirectMessage>());
        bob.MessageReceived += bobMessages.Add;
        bob.DirectMessageReceived += bobDirect.Add;
        await alice.JoinRoomAsync("general").DefaultTimeout();
        await bob.JoinRoomAsync("general").DefaultTimeout();
        var before = await MetricsScrape.GetAsync(http).DefaultTimeout();

        var sent = new List<ChatMessage>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(await alice.SendMessageAsync("general", $"hello {i}").DefaultTimeout());
        }

        await alice.SendDirectMessageAsync("bob", "psst").DefaultTimeout();
        Assert.Equal(sent, new[] { await bobMessages.NextAsync(), await bobMessages.NextAsync(), await bobMessages.NextAsync() });
        await bobDirect.NextAsync();
        var refused = await Assert.ThrowsAsync<ChatException>(() => alice.SendMessageAsync("random", "not joined").DefaultTimeout());
        Assert.Equal(ErrorCodes.NotInRoom, refused.Code);
        // Bob, joined already, asks again from the first id: a gap repair that returns the two messages after it.
        var repair = await bob.JoinRoomAsync("general", sent[0].Id).DefaultTimeout();
        Assert.Equal(2, repair.Messages.Count);

        var after = await MetricsScrape.WaitForAsync(http, s => Delta(before, s, "hubapp_gap_repairs_total") >= 1 && Delta(before, s, "hubapp_refusals_total") >= 1);

        var why = after.HubAppLines();
        Assert.True(Delta(before, after, "hubapp_messages_stored_total", "kind=message") == 3, why);
        Assert.True(Delta(before, after, "hubapp_direct_messages_stored_total") == 1, why);
        // Single node: each stored message is handed to SignalR once, whatever the number of receivers.
        Assert.True(Delta(before, after, "hubapp_deliveries_total") == 4, why);
        Assert.True(Delta(before, after, "hubapp_refusals_total", "code=not_in_room") == 1, why);
        Assert.True(Delta(before, after, "hubapp_refusals_total") == 1, why);
        Assert.True(Delta(before, after, "hubapp_catch_up_messages_total") == 2, why);
        Assert.True(Delta(before, after, "hubapp_gap_repairs_total") == 1, why);
        // Four writes in one to four group commits, each timed.
        Assert.True(Delta(before, after, "hubapp_store_batch_size_sum") == 4, why);
        var commits = Delta(before, after, "hubapp_store_batch_size_count");
        Assert.InRange(commits, 1, 4);
        Assert.True(Delta(before, after, "hubapp_store_commit_duration_seconds_count") == commits, why);
        Assert.True(after.Value("hubapp_store_commit_duration_seconds_bucket", "le=+Inf") == after.Value("hubapp_store_commit_duration_seconds_count"), why);
        Assert.True(Delta(before, after, "hubapp_store_commit_duration_seconds_sum") > 0, why);
        Assert.True(after.Value("hubapp_rooms_active") == 1, why);
        Assert.True(after.Value("hubapp_users_present") == 2, why);
        Assert.True(after.Value("hubapp_slow_consumers_closed_total") == 0, why);
        Assert.False(after.Has("hubapp_backplane_lag_seconds_count"), "a single node has no backplane lag");

        // The framework's meters: SignalR connections, Kestrel, HTTP requests, the runtime.
        Assert.Equal(2, after.Value("signalr_server_active_connections"));
        Assert.True(after.Has("kestrel_active_connections"));
        Assert.True(after.Has("http_server_request_duration_seconds_count"));
        Assert.True(after.Has("dotnet_process_memory_working_set_bytes"));
    }

    [Fact]
    public async Task EveryCounterIsExportedAtZeroBeforeAnyTraffic()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();

        var scrape = await MetricsScrape.GetAsync(http).DefaultTimeout();

        string[] counters =
        [
            "hubapp_messages_stored_total", "hubapp_direct_messages_stored_total", "hubapp_deliveries_total", "hubapp_refusals_total",
            "hubapp_catch_up_messages_total", "hubapp_gap_repairs_total", "hubapp_slow_consumers_closed_total", "hubapp_rooms_active", "hubapp_users_present",
        ];
        Assert.All(counters, name => Assert.True(scrape.Has(name), $"{name} missing:\n{scrape.HubAppLines()}"));
        Assert.Equal(0, scrape.Value("hubapp_refusals_total"));
        Assert.True(scrape.Has("hubapp_refusals_total") && scrape.Text.Contains("code=\"rate_limited\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MetricsDisabledMeansNoEndpoint()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Metrics:Enabled"] = "false" });
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task WithRequireAuthOnlyAnAdminTokenReadsMetrics()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Metrics:RequireAuth"] = "true",
            ["Limits:MaxConnectionsPerUser"] = "1",
        });
        using var http = host.CreateHttpClient();
        var admin = TestTokens.Create("root", roles: [TestTokens.AdminRole]);
        // The admin also holds the one hub connection a user may have: the hub's connection limit is not for /metrics.
        await using var hub = host.CreateClient("root", token: () => admin);
        await hub.StartAsync().DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, token: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, TestTokens.Create("root", key: "another-signing-key-0123456789-abcdefghijklmnop", roles: [TestTokens.AdminRole])));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, TestTokens.Create("bob")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, TestTokens.Create("bob", roles: ["hubapp.user"])));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, admin));
        // A role array (["hubapp.user","hubapp.admin"]) holds the admin role too.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, TestTokens.Create("ops", roles: ["hubapp.user", TestTokens.AdminRole])));
        // The hub's Origin check is for browsers opening sockets; it does not apply here.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, admin, origin: "https://elsewhere.example"));
    }

    [Fact]
    public async Task AuthAdminRoleNamesTheRoleThatMakesAnAdmin()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Metrics:RequireAuth"] = "true",
            ["Auth:AdminRole"] = "ops",
        });
        using var http = host.CreateHttpClient();

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, TestTokens.Create("root", roles: [TestTokens.AdminRole])));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, TestTokens.Create("root", roles: ["ops"])));
    }

    [Fact]
    public async Task StoredEntriesAreCountedByKind()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("general").DefaultTimeout();
        var before = await MetricsScrape.GetAsync(http).DefaultTimeout();

        var sent = await alice.SendMessageAsync("general", "helo").DefaultTimeout();
        await alice.EditMessageAsync("general", sent.Id, "hello").DefaultTimeout();
        await alice.DeleteMessageAsync("general", sent.Id).DefaultTimeout();
        // A repeated delete stores nothing, so counts nothing.
        await alice.DeleteMessageAsync("general", sent.Id).DefaultTimeout();

        var after = await MetricsScrape.WaitForAsync(http, s => Delta(before, s, "hubapp_messages_stored_total") >= 3);
        var why = after.HubAppLines();
        Assert.True(Delta(before, after, "hubapp_messages_stored_total", "kind=message") == 1, why);
        Assert.True(Delta(before, after, "hubapp_messages_stored_total", "kind=edit") == 1, why);
        Assert.True(Delta(before, after, "hubapp_messages_stored_total", "kind=delete") == 1, why);
    }

    private static double Delta(MetricsScrape before, MetricsScrape after, string name, params string[] labels) =>
        after.Value(name, labels) - before.Value(name, labels);

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string? token, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await http.SendAsync(request).DefaultTimeout();
        return response.StatusCode;
    }
}
