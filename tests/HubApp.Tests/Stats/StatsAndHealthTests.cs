using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HubApp.Testing;

namespace HubApp.Tests.Stats;

public sealed class StatsAndHealthTests
{
    [Fact]
    public async Task StatsCountLiveConnectionsUsersAndPresentUsersPerRoom()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var alice2 = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        await alice.JoinRoomAsync("general").DefaultTimeout();
        await alice2.JoinRoomAsync("general").DefaultTimeout();
        await bob.JoinRoomAsync("general").DefaultTimeout();
        await bob.JoinRoomAsync("random").DefaultTimeout();

        var stats = await GetStatsAsync(host);

        Assert.Equal(3, stats.GetProperty("connections").GetInt32());
        Assert.Equal(2, stats.GetProperty("users").GetInt32());
        Assert.Equal(2, stats.GetProperty("rooms").GetProperty("general").GetInt32());
        Assert.Equal(1, stats.GetProperty("rooms").GetProperty("random").GetInt32());

        await bob.StopAsync().DefaultTimeout();
        var after = await WaitForAsync(host, s => s.GetProperty("connections").GetInt32() == 2);
        Assert.Equal(1, after.GetProperty("users").GetInt32());
        Assert.False(after.GetProperty("rooms").TryGetProperty("random", out _));
    }

    [Fact]
    public async Task StatsWithoutATokenAre401()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync("/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task HealthIs200WhileTheStoreAnswersAnd503WhenItCannot()
    {
        // Without pooling every check opens the file afresh, as a new process would.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = "Data Source={data}/hubapp.db;Pooling=False",
        });
        using var http = host.CreateHttpClient();

        using var healthy = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);

        host.ExpectErrors();
        Directory.Delete(host.DataDirectory, recursive: true);
        using var unhealthy = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
    }

    [Fact]
    public async Task TheRootServesAPage()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<JsonElement> GetStatsAsync(HubAppHost host)
    {
        using var http = host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("observer"));
        return await http.GetFromJsonAsync<JsonElement>("/stats");
    }

    private static async Task<JsonElement> WaitForAsync(HubAppHost host, Func<JsonElement, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            var stats = await GetStatsAsync(host);
            if (condition(stats))
            {
                return stats;
            }

            // The server settles a closed connection shortly after the client's close; poll, bounded.
            await Task.Delay(50, timeout.Token);
        }
    }
}
