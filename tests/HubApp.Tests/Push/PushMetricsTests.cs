using HubApp.Testing;
using HubApp.Tests.Telemetry;

namespace HubApp.Tests.Push;

/// <summary>
/// The push test that reads <c>/metrics</c>. It runs alone: the exporter reads every HubApp meter in the test process, so a
/// host started beside it by another test can stand in for this one's figures.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class PushMetricsTests
{
    [Fact]
    public async Task AFullQueueDropsThePushCountsItAndHoldsUpNoMessage()
    {
        await using var receiver = await PushReceiver.StartAsync();
        var settings = PushReceiver.HostSettings();
        settings["Push:QueueCapacity"] = "1";
        await using var host = await HubAppHost.StartAsync(settings);
        using var bob = new PushSubscriber(receiver.EndpointOf("bob"));
        await PushTests.SubscribeAsync(host.BaseAddress, "bob", bob.Json);
        var held = receiver.Hold("bob");
        await using var alice = await host.ConnectAsync("alice");

        // The one sender is held by the first push; the second waits in the queue (capacity 1); the third finds it full.
        await alice.SendDirectMessageAsync("bob", "first").DefaultTimeout();
        await receiver.Received.NextAsync();
        var second = await alice.SendDirectMessageAsync("bob", "second").DefaultTimeout();
        var third = await alice.SendDirectMessageAsync("bob", "third").DefaultTimeout();
        Assert.Equal(second.Id + 1, third.Id);
        held.TrySetResult();

        Assert.Equal("second", bob.Decrypt((await receiver.Received.NextAsync()).Body).GetProperty("text").GetString());
        using var http = host.CreateHttpClient();
        var scrape = await MetricsScrape.WaitForAsync(http, s => s.Value("hubapp_push_sent_total", "result=sent") == 2).DefaultTimeout();
        Assert.Equal(1, scrape.Value("hubapp_push_dropped_total"));
        Assert.Equal(0, scrape.Value("hubapp_push_queue_length"));
        Assert.Equal(0, scrape.Value("hubapp_push_sent_total", "result=failed"));
        Assert.Equal(2, receiver.Received.All.Count);
    }
}
