using HubApp.Testing;
using HubApp.Tests.Telemetry;

namespace HubApp.Tests.Webhooks;

/// <summary>
/// The webhook tests that read <c>/metrics</c>. They run alone: the exporter reads every HubApp meter in the test process, so a
/// host started beside them by another test can stand in for this one's figures (seen once in a full run: every counter 0).
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class WebhookMetricsTests
{
    [Fact]
    public async Task ABatchAnswered500ThreeTimesIsRetriedUntil200AndTheReceiverMissesNothingNorGetsAnyOtherTwice()
    {
        await using var host = await HubAppHost.StartAsync(WebhookTests.Settings);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        using var http = host.CreateHttpClient();
        var webhook = await WebhookTests.RegisterAsync(http, receiver.Url, ["general"]);
        receiver.AnswerNext(500, 500, 500);

        var posted = await WebhookTests.PostAsync(alice, "general", 40);

        Assert.Equal(posted, await receiver.WaitForAcceptedAsync("general", posted.Length));
        WebhookTests.AssertOnlyFailedBatchesCameAgain(receiver.Batches);
        Assert.Equal(3, receiver.Batches.Count(b => b.Status == 500));
        Assert.All(receiver.Batches, b => Assert.True(b.IsSignedWith(webhook.Secret)));
        using var metrics = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TestTimeouts.Default };
        var scrape = await MetricsScrape.WaitForAsync(metrics, s => s.Value("hubapp_webhook_deliveries_total", "result=success") >= 1);
        Assert.Equal(3, scrape.Value("hubapp_webhook_deliveries_total", "result=http_error"));
        Assert.True(scrape.Has("hubapp_webhook_lag_entries"), scrape.HubAppLines());
    }

    [Fact]
    public async Task AReceiverThatDoesNotAnswerWithinTheTimeoutGetsTheBatchAgain()
    {
        await using var host = await HubAppHost.StartAsync(WebhookTests.Settings);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        using var http = host.CreateHttpClient();
        await WebhookTests.RegisterAsync(http, receiver.Url, ["general"]);
        var held = receiver.HoldNext();

        var posted = await WebhookTests.PostAsync(alice, "general", 5);
        await held.DefaultTimeout();

        Assert.Equal(posted, await receiver.WaitForAcceptedAsync("general", posted.Length));
        Assert.Equal(0, receiver.Batches[0].Status);
        WebhookTests.AssertOnlyFailedBatchesCameAgain(receiver.Batches);
        using var metrics = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TestTimeouts.Default };
        // The lag is the next look's: it comes down to 0 once the batch is taken.
        var scrape = await MetricsScrape.WaitForAsync(
            metrics, s => s.Value("hubapp_webhook_deliveries_total", "result=timeout") >= 1 && s.Has("hubapp_webhook_lag_entries") && s.Value("hubapp_webhook_lag_entries") == 0);
        Assert.True(scrape.Value("hubapp_webhook_deliveries_total", "result=timeout") == 1, scrape.HubAppLines());
        Assert.True(scrape.Value("hubapp_webhook_lag_entries") == 0, scrape.HubAppLines());
    }

    [Fact]
    public async Task TheWebhookMetricsAreExportedAtZeroBeforeAnyWebhook()
    {
        await using var host = await HubAppHost.StartAsync(WebhookTests.Settings);
        using var http = host.CreateHttpClient();

        var scrape = await MetricsScrape.WaitForAsync(http, s => s.Has("hubapp_webhook_lag_entries"));

        Assert.All(["success", "http_error", "timeout", "failure"], result => Assert.Contains(
            scrape.Text.Split('\n'),
            line => line.StartsWith("hubapp_webhook_deliveries_total{", StringComparison.Ordinal) && line.Contains($"result=\"{result}\"", StringComparison.Ordinal)));
        Assert.Equal((0d, 0d), (scrape.Value("hubapp_webhook_deliveries_total"), scrape.Value("hubapp_webhook_lag_entries")));
    }
}
