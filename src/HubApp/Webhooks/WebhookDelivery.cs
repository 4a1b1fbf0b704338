using System.Collections.Concurrent;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Webhooks;

/// <summary>
/// Sends each webhook each room's log entries after its stored cursor, in id order, in batches of at most
/// <see cref="WebhooksOptions.MaxBatch"/>. Every <see cref="WebhooksOptions.PollInterval"/> it compares each room's latest id
/// with the cursors (the store is the truth: nothing is lost when a node misses a message, it is only found by the next
/// look) and starts a worker for each (webhook, room) behind, unless one runs here already or its retry is not yet due.
/// </summary>
/// <remarks>
/// A worker first takes the pair's lease in the store (<see cref="IWebhookStore"/>): on several nodes exactly one sends a
/// batch of a pair at a time, and the others find the lease taken and leave it. 2xx moves the cursor (only while the lease
/// is still this node's); anything else keeps the lease until the retry is due, with growing, jittered delays of
/// <see cref="WebhooksOptions.RetryMinimum"/> doubled per failure up to <see cref="WebhooksOptions.RetryMaximum"/>, and the
/// same batch goes again (grown, if entries came meanwhile; never skipped). A node that dies holding a lease loses it after
/// <see cref="WebhooksOptions.LeaseDuration"/> (or the retry delay), and another goes on from the stored cursor. Workers run
/// off the message path, at most <see cref="WebhooksOptions.MaxConcurrentDeliveries"/> at once: a slow receiver holds one
/// slot, never the writer nor another pair's worker beyond that.
/// </remarks>
internal sealed partial class WebhookDelivery(
    IWebhookStore webhooks,
    IMessageStore messages,
    WebhookSender sender,
    WebhookMetrics metrics,
    IOptions<WebhooksOptions> options,
    TimeProvider time,
    ILogger<WebhookDelivery> logger) : BackgroundService
{
    /// <summary>Batches one worker sends in a row before it gives its slot back to the others.</summary>
    private const int BatchesPerTurn = 20;

    // This process's name on leases: a new one per start, so that a restarted node does not take over what it held before
    // its restart until that expires (its delay was running).
    private readonly string _owner = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly WebhooksOptions _options = options.Value;
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentDeliveries);
    private readonly ConcurrentDictionary<(string WebhookId, string Room), Task> _running = new();
    private readonly ConcurrentDictionary<(string WebhookId, string Room), DateTimeOffset> _retryAt = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, time);
        try
        {
            do
            {
                try
                {
                    await ScanAsync(stoppingToken);
                }
                catch (StoreUnavailableException ex)
                {
                    LogStoreUnavailable(logger, ex.Message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A background service that throws stops the host: delivery pauses until the next look instead.
                    LogScanFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // A stop cancels the batches in flight and waits for their workers: a batch cut short keeps its lease until it
        // expires and then goes again, from this node's successor or another node.
        await Task.WhenAll(_running.Values);
    }

    private async Task ScanAsync(CancellationToken cancellationToken)
    {
        var all = await webhooks.GetWebhooksAsync(cancellationToken);
        if (all.Count == 0)
        {
            metrics.Lag(0);
            return;
        }

        var latest = await webhooks.GetRoomLatestIdsAsync(cancellationToken);
        var cursors = await webhooks.GetWebhookCursorsAsync(cancellationToken);
        var now = time.GetUtcNow();
        long lag = 0;
        foreach (var webhook in all)
        {
            foreach (var room in webhook.Rooms ?? (IEnumerable<string>)latest.Keys)
            {
                var key = (webhook.Id, room);
                var behind = latest.GetValueOrDefault(room) - cursors.GetValueOrDefault(key);
                if (behind <= 0)
                {
                    continue;
                }

                lag += behind;
                if (!_running.ContainsKey(key) && (!_retryAt.TryGetValue(key, out var due) || due <= now))
                {
                    Start(webhook, room, cancellationToken);
                }
            }
        }

        metrics.Lag(lag);
    }

    private void Start(StoredWebhook webhook, string room, CancellationToken cancellationToken)
    {
        var key = (webhook.Id, room);
        var started = new TaskCompletionSource();
        var worker = Task.Run(async () =>
        {
            await started.Task;
            try
            {
                await DeliverAsync(webhook, room, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (StoreUnavailableException ex)
            {
                LogStoreUnavailable(logger, ex.Message);
            }
            catch (Exception ex)
            {
                LogWorkerFailed(logger, webhook.Id, room, ex);
            }
            finally
            {
                _running.TryRemove(key, out _);
            }
        }, CancellationToken.None);
        // Registered before it runs, so that its own removal cannot come first.
        _running[key] = worker;
        started.SetResult();
    }

    private async Task DeliverAsync(StoredWebhook webhook, string room, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            for (var turn = 0; turn < BatchesPerTurn; turn++)
            {
                if (await webhooks.TryLeaseWebhookRoomAsync(webhook.Id, room, _owner, _options.LeaseDuration, cancellationToken) is not { } lease)
                {
                    return;
                }

                var entries = await messages.GetAfterAsync(room, lease.LastId, WebhooksOptions.MaxBatch, cancellationToken);
                if (entries.Count == 0)
                {
                    await webhooks.ReleaseWebhookRoomAsync(webhook.Id, room, _owner, cancellationToken);
                    return;
                }

                var result = await sender.SendAsync(new StoredWebhookBatch(webhook.Id, webhook.Url, webhook.Secret, room, entries), cancellationToken);
                metrics.Delivered(result);
                if (result != DeliveryResult.Success)
                {
                    var delay = RetryDelay(lease.Failures);
                    _retryAt[(webhook.Id, room)] = time.GetUtcNow() + delay;
                    await webhooks.HoldWebhookRoomAsync(webhook.Id, room, _owner, delay, cancellationToken);
                    LogBatchFailed(logger, webhook.Id, room, entries[0].Id, entries[^1].Id, result, lease.Failures + 1, delay);
                    return;
                }

                _retryAt.TryRemove((webhook.Id, room), out _);
                if (!await webhooks.AdvanceWebhookCursorAsync(webhook.Id, room, _owner, entries[^1].Id, cancellationToken))
                {
                    return;
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// <see cref="WebhooksOptions.RetryMinimum"/> doubled per earlier failure, capped at <see cref="WebhooksOptions.RetryMaximum"/>,
    /// then a random half to all of it: receivers that failed together do not all come back at once.
    /// </summary>
    private TimeSpan RetryDelay(int failures)
    {
        var full = Math.Min(_options.RetryMaximum.TotalMilliseconds, _options.RetryMinimum.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30)));
        return TimeSpan.FromMilliseconds(full * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    [LoggerMessage(EventId = 245, Level = LogLevel.Warning, Message = "Webhook {WebhookId}, room {Room}: batch {First}-{Last} failed ({Result}, failure {Failures}); retried in {Delay}.")]
    private static partial void LogBatchFailed(ILogger logger, string webhookId, string room, long first, long last, DeliveryResult result, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 246, Level = LogLevel.Warning, Message = "Webhook delivery paused: the store is unavailable ({Reason}).")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 248, Level = LogLevel.Error, Message = "Webhook delivery failed to look for entries to send; the next look retries.")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 247, Level = LogLevel.Error, Message = "Webhook {WebhookId}, room {Room}: the worker failed; the next look retries it.")]
    private static partial void LogWorkerFailed(ILogger logger, string webhookId, string room, Exception exception);
}
