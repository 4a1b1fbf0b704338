using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Tests.Hardening;
using HubApp.Testing;

namespace HubApp.Tests.Telemetry;

/// <summary><c>hubapp_slow_consumers_closed_total</c> counts the connections SignalR closed because a send to them timed out, and no other close.</summary>
[Collection(RunsAlone.Name)]
public sealed class SlowConsumerMetricsTests
{
    [Fact]
    public async Task AConnectionClosedForASendThatTimedOutIsCountedOnceAndOrdinaryClosesAreNot()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["History:MaxMessagesPerRoom"] = "100000" });
        using var http = host.CreateHttpClient();
        await using var sender = await host.ConnectAsync("sender");
        var left = new Inbox<PresenceEvent>();
        sender.UserLeft += left.Add;
        await sender.JoinRoomAsync("busy").DefaultTimeout();
        await using (var passerby = await host.ConnectAsync("passerby"))
        {
            await passerby.JoinRoomAsync("busy").DefaultTimeout();
        }

        using var stalled = await SlowConsumerTests.StalledMemberAsync(host, "slowpoke", "busy");

        // As in SlowConsumerTests: large messages until the server gives up on the member that stopped reading.
        var text = new string('x', 3000);
        var deadline = DateTime.UtcNow + ChatHubExtensions.SlowConsumerTimeout + TimeSpan.FromSeconds(50);
        while (!left.All.Any(p => p.UserId == "slowpoke") && DateTime.UtcNow < deadline)
        {
            await sender.SendMessageAsync("busy", text).DefaultTimeout();
        }

        Assert.Contains(left.All, p => p.UserId == "slowpoke");
        // The passerby's ordinary close is not counted; the stalled member's is, once.
        var scrape = await MetricsScrape.WaitForAsync(http, s => s.Value("hubapp_slow_consumers_closed_total") >= 1);

        Assert.Equal(1, scrape.Value("hubapp_slow_consumers_closed_total"));
    }
}
