using System.Net;
using System.Net.Http.Headers;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hardening;

/// <summary>
/// Every read has an allowance: per connection and per user on the hub (re-joins, catch-ups, scroll-back pages, the
/// directory and room info alike), per user over HTTP (<c>/stats</c> too). Past it a read is refused with
/// <c>rate_limited</c> and the connection stays open.
/// </summary>
public sealed class ReadAllowanceTests
{
    [Fact]
    public async Task HistoryReadsPastTheAllowanceAreRateLimitedPerConnectionAndPerUser()
    {
        const int connections = 8, reads = 8;
        // Per connection 5 at once; per user four times that, 20, refilled at 2 a second.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:ReadsPerSecond"] = "1", ["Limits:ReadBurst"] = "5" });
        var mallory = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => RawChatConnection.ConnectAsync(host.BaseAddress, "mallory")));
        try
        {
            // Every connection reads at once (a read that needs no join: the conversation with bob).
            var accepted = await Task.WhenAll(mallory.Select(async connection =>
            {
                var outcomes = await Task.WhenAll(Enumerable.Range(0, reads).Select(async _ =>
                {
                    try
                    {
                        await connection.DirectHistoryAsync("bob", null, 50);
                        return true;
                    }
                    catch (Microsoft.AspNetCore.SignalR.HubException ex) when (ErrorCodes.Find(ex.Message) == ErrorCodes.RateLimited)
                    {
                        return false;
                    }
                }));
                return outcomes.Count(accepted => accepted);
            }));

            // Each connection is held to its own bucket, and all of them together to the user's, which is less than theirs
            // (8 x 5); a refill during the burst may add a few.
            Assert.All(accepted, count => Assert.InRange(count, 0, reads - 1));
            Assert.InRange(accepted.Sum(), 1, 30);
            Assert.Equal("pong", await mallory[0].InvokeAsync<string>(HubMethods.Ping));

            // Another user is not held to mallory's allowance.
            await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
            await bob.DirectHistoryAsync("mallory", null, 50);
            await bob.JoinAsync("room", sinceId: 0);
        }
        finally
        {
            foreach (var connection in mallory)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task DirectoryAndRoomInfoReadsPastTheAllowanceAreRateLimitedAndTheConnectionStaysOpen()
    {
        // Per connection 5 at once, refilled at 1 a second.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:ReadsPerSecond"] = "1", ["Limits:ReadBurst"] = "5" });
        await using var mallory = await RawChatConnection.ConnectAsync(host.BaseAddress, "mallory");
        await mallory.JoinAsync("room");
        var refusals = new List<string?>();
        for (var i = 0; i < 10; i++)
        {
            refusals.Add(await CodeOfAsync(i % 2 == 0
                ? mallory.InvokeAsync<RoomSummary[]>(HubMethods.ListRooms, null, 200)
                : mallory.InvokeAsync<RoomInfo>(HubMethods.GetRoomInfo, "room")));
        }

        // The join took one; a refill during the loop may add one.
        Assert.InRange(refusals.Count(code => code is null), 4, 6);
        Assert.All(refusals.Where(code => code is not null), code => Assert.Equal(ErrorCodes.RateLimited, code));
        Assert.Equal("pong", await mallory.InvokeAsync<string>(HubMethods.Ping));
    }

    [Fact]
    public async Task HttpReadsPastTheUsersAllowanceAre429WithRetryAfter()
    {
        // Per user over HTTP: the hub's per-user numbers, 2 a second and 20 at once.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:ReadsPerSecond"] = "1", ["Limits:ReadBurst"] = "5" });
        using var http = host.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refusal = null;
        for (var i = 0; i < 30; i++)
        {
            var response = await GetAsync(http, (i % 3) switch { 0 => "/api/rooms/room/messages", 1 => "/api/rooms", _ => "/stats" }, "mallory");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && refusal is null)
            {
                refusal = response;
            }
            else
            {
                response.Dispose();
            }
        }

        using (refusal)
        {
            Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 20, 29);
            Assert.NotNull(refusal);
            Assert.True(refusal.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Contains(ErrorCodes.RateLimited, await refusal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var bob = await GetAsync(http, "/api/rooms/room/messages", "bob");
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
    }

    // The contract code of a refused call; null for one answered.
    private static async Task<string?> CodeOfAsync(Task call)
    {
        try
        {
            await call;
            return null;
        }
        catch (Microsoft.AspNetCore.SignalR.HubException ex)
        {
            return ErrorCodes.Find(ex.Message);
        }
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(userId));
        return await http.SendAsync(request);
    }
}
