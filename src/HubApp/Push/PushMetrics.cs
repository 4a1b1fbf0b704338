using System.Diagnostics.Metrics;
using HubApp.Telemetry;

namespace HubApp.Push;

/// <summary>
/// Push instruments on HubApp's meter (docs/operations.md): <c>hubapp_push_sent_total</c> by result (<c>sent</c>;
/// <c>gone</c>: the service answered 404 or 410 and the subscription was removed; <c>failed</c>: any other answer, a
/// timeout or no answer, dropped without a retry), <c>hubapp_push_dropped_total</c> (the queue was full) and
/// <c>hubapp_push_queue_length</c>. Observable, so that each series is exported from the start at 0.
/// </summary>
internal sealed class PushMetrics
{
    public const string Sent = "sent";
    public const string Gone = "gone";
    public const string Failed = "failed";

    private static readonly string[] Results = [Sent, Gone, Failed];

    private readonly long[] _results = new long[Results.Length];

    public PushMetrics(IMeterFactory meters, PushQueue queue)
    {
        var meter = meters.Create(ChatMetrics.MeterName);
        meter.CreateObservableCounter(
            "hubapp.push.sent",
            () => Results.Select((result, slot) => new Measurement<long>(Interlocked.Read(ref _results[slot]), new KeyValuePair<string, object?>("result", result))),
            description: "Pushes handed to a push service, by result.");
        meter.CreateObservableCounter("hubapp.push.dropped", () => queue.Dropped, description: "Pushes dropped because the queue was full.");
        meter.CreateObservableGauge("hubapp.push.queue.length", () => queue.Count, description: "Pushes waiting to be sent.");
    }

    public void Record(string result) => Interlocked.Increment(ref _results[Array.IndexOf(Results, result)]);

    /// <summary>How many pushes ended with <paramref name="result"/> (tests and diagnostics).</summary>
    public long Count(string result) => Interlocked.Read(ref _results[Array.IndexOf(Results, result)]);
}
