using System.Diagnostics.Metrics;
using HubApp.Telemetry;

namespace HubApp.Webhooks;

/// <summary>How a batch POST ended, a <c>result</c> tag value of <c>hubapp_webhook_deliveries_total</c>.</summary>
internal enum DeliveryResult
{
    /// <summary>A 2xx answer: the cursor moved past the batch.</summary>
    Success,

    /// <summary>Any other status (a redirect included: none is followed).</summary>
    HttpError,

    /// <summary>No answer within <see cref="WebhooksOptions.Timeout"/>.</summary>
    Timeout,

    /// <summary>No connection, a broken one, or a URL no longer allowed.</summary>
    Failure,
}

/// <summary>
/// The webhook instruments of HubApp's meter (docs/operations.md): <c>hubapp_webhook_deliveries_total</c> by result, and
/// <c>hubapp_webhook_lag_entries</c>, the entries not yet delivered summed over webhooks and rooms, as this node last saw
/// them (every node sees the same store). Recorded from the delivery workers concurrently: interlocked fields, read on collection.
/// </summary>
internal sealed class WebhookMetrics
{
    private static readonly string[] Results = ["success", "http_error", "timeout", "failure"];

    private readonly long[] _deliveries = new long[Results.Length];
    private long _lag;

    public WebhookMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ChatMetrics.MeterName);
        meter.CreateObservableCounter("hubapp.webhook.deliveries", ObserveDeliveries,
            "{batch}", "Webhook batch POSTs, by result: success (2xx), http_error (any other status), timeout, failure (no connection).");
        meter.CreateObservableGauge("hubapp.webhook.lag", () => Volatile.Read(ref _lag),
            "entries", "Room log entries stored but not yet delivered, summed over webhooks and the rooms they cover.");
    }

    public void Delivered(DeliveryResult result) => Interlocked.Increment(ref _deliveries[(int)result]);

    public void Lag(long entries) => Volatile.Write(ref _lag, entries);

    private IEnumerable<Measurement<long>> ObserveDeliveries()
    {
        for (var i = 0; i < Results.Length; i++)
        {
            yield return new Measurement<long>(Volatile.Read(ref _deliveries[i]), new KeyValuePair<string, object?>("result", Results[i]));
        }
    }
}
