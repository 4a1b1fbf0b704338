using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.History;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.EventStream;

/// <summary>
/// One room's log as Server-Sent Events: after the given id, replayed from the store in pages, then live from this node's
/// delivery (<see cref="RoomLogFeed"/>), in id order and each entry once. The hand-over has no gap and no duplicate: the
/// stream subscribes and has the node track the room (<see cref="IRoomTracking"/>, as a join does) before it reads the
/// store, skips live entries it has sent, and reads from the store whatever a live entry shows is missing (ids are
/// consecutive per room) or its full buffer dropped. The store is the truth, so a backplane outage only delays entries.
/// </summary>
/// <remarks>
/// Stateless; one call per request, which holds no thread while it waits. A room change that takes the reader out of the
/// room ends the stream before the room's next entry goes out; a change that may have (and every keep-alive) has the
/// reader's right to read decided again by <see cref="RoomAuthorization"/>. Each replay page costs a token of the user's
/// read allowance (waited for) and takes the user's turn among their reads (<see cref="UserReadGate"/>).
/// </remarks>
internal sealed partial class RoomEventStream(
    RoomLogFeed feed,
    IRoomTracking tracking,
    HistoryService history,
    RoomAuthorization authorization,
    EventStreamSlots slots,
    UserReadGate gate,
    IOptions<EventStreamOptions> options,
    IOptions<LimitsOptions> limits,
    IOptions<JsonHubProtocolOptions> json,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<RoomEventStream> logger) : IDisposable
{
    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    private readonly JsonSerializerOptions _json = json.Value.PayloadSerializerOptions;

    // The replay pages' allowance: the size of the HTTP reads' per-user bucket, waited for rather than refused, as a
    // stream that has begun has no way left to answer 429.
    private readonly PartitionedRateLimiter<string> _pages = PartitionedRateLimiter.Create<string, string>(
        userId => RateLimitPartition.GetTokenBucketLimiter(userId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Value.UserReadBurst,
            TokensPerPeriod = limits.Value.UserReadsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = options.Value.MaxStreamsPerUser,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = false,
        }),
        StringComparer.Ordinal);

    /// <summary>
    /// Decides the request, then streams until the client goes, the reader is taken out of the room, or the store fails.
    /// Refusals before the stream begins are thrown (the API's filter answers them); after, the stream just ends, and the
    /// client resumes from the last id it saw.
    /// </summary>
    public async Task RunAsync(HttpContext context, ChatCaller caller, string? room, long? afterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = RoomAccess.RequireValid(room);
        await authorization.RequireReadableAsync(caller, name, cancellationToken);
        var after = StartAfter(context.Request, afterId);

        using var slot = slots.Take(caller.UserId);
        using var subscription = feed.Subscribe(name, caller, EventStreamOptions.Buffer);
        // Subscribed and tracked before the store is read: every entry stored after that read arrives live.
        await tracking.TrackAsync(name, cancellationToken);
        // Again, now that it is subscribed (as a join asks again once in the group): a ban applied here since the first
        // check either ended the subscription or dropped the cached room, so this reads it. None slips between the two.
        await authorization.RequireReadableAsync(caller, name, cancellationToken);
        var last = after ?? await NewestIdAsync(name, cancellationToken);

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken);

        // A stream never ends by itself: the host's shutdown ends it, or it would hold the shutdown up to its timeout.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, subscription.Ended, lifetime.ApplicationStopping);
        try
        {
            await StreamAsync(response.BodyWriter, subscription, last, ending.Token);
        }
        catch (OperationCanceledException)
        {
            // The client went, the host is stopping, or the reader was taken out of the room.
        }
        catch (Exception ex) when (ex is ChatRefusedException or StoreUnavailableException)
        {
            // Nothing can be said in the stream any more: it ends, and the client resumes by its last id.
            LogEnded(logger, name, ex.Message);
        }
    }

    public void Dispose() => _pages.Dispose();

    // Last-Event-ID (what EventSource sends when it reconnects) before afterId; neither: new entries only.
    private static long? StartAfter(HttpRequest request, long? afterId)
    {
        if (request.Headers.TryGetValue("Last-Event-ID", out var header))
        {
            return long.TryParse(header.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : throw ChatErrors.InvalidArgument("Last-Event-ID is the id of a room log entry.");
        }

        return afterId is < 0 ? throw ChatErrors.InvalidArgument("afterId is the id of a room log entry.") : afterId;
    }

    private async Task<long> NewestIdAsync(string room, CancellationToken cancellationToken)
    {
        var newest = await history.BeforeAsync(room, null, 1, cancellationToken);
        return newest.Count == 0 ? 0 : newest[^1].Id;
    }

    private async Task StreamAsync(PipeWriter writer, RoomLogSubscription subscription, long last, CancellationToken cancellationToken)
    {
        last = await CatchUpAsync(writer, subscription, last, long.MaxValue, cancellationToken);
        using var keepAlive = new PeriodicTimer(options.Value.KeepAliveInterval, time);
        Task<bool>? entryWait = null;
        Task<bool>? tickWait = null;
        while (true)
        {
            var wrote = false;
            while (subscription.Entries.TryRead(out var entry))
            {
                if (entry.Id <= last)
                {
                    continue;
                }

                if (entry.Id > last + 1)
                {
                    last = await CatchUpAsync(writer, subscription, last, entry.Id - 1, cancellationToken);
                    if (entry.Id <= last)
                    {
                        continue;
                    }
                }

                if (!await MayStillReadAsync(subscription, cancellationToken))
                {
                    return;
                }

                Write(writer, entry);
                last = entry.Id;
                wrote = true;
            }

            if (subscription.TakeOverflowed())
            {
                // Entries were dropped while this one wrote: the store has them, and the buffer is read again after.
                last = await CatchUpAsync(writer, subscription, last, long.MaxValue, cancellationToken);
                continue;
            }

            if (wrote)
            {
                await FlushAsync(writer, cancellationToken);
            }

            entryWait ??= subscription.Entries.WaitToReadAsync(cancellationToken).AsTask();
            tickWait ??= keepAlive.WaitForNextTickAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(entryWait, tickWait) is var done && done == entryWait)
            {
                entryWait = null;
                // False: the subscription ended (taken out of the room); nothing more goes out.
                if (!await done)
                {
                    return;
                }
            }
            else
            {
                await tickWait;
                tickWait = null;
                subscription.RightsMayHaveChanged();
                if (!await MayStillReadAsync(subscription, cancellationToken))
                {
                    return;
                }

                writer.Write(KeepAlive);
                await FlushAsync(writer, cancellationToken);
            }
        }
    }

    // Sends the stored entries after `last` up to `upTo` (or all there are), page by page; the last id sent.
    private async Task<long> CatchUpAsync(PipeWriter writer, RoomLogSubscription subscription, long last, long upTo, CancellationToken cancellationToken)
    {
        while (last < upTo)
        {
            IReadOnlyList<ChatMessage> page;
            using (var token = await _pages.AcquireAsync(subscription.Caller.UserId, 1, cancellationToken))
            {
                if (!token.IsAcquired)
                {
                    throw ChatErrors.ReadsRateLimited(limits.Value.UserReadsPerSecond);
                }

                using var turn = await gate.EnterAsync(subscription.Caller.UserId, cancellationToken);
                page = await history.AfterAsync(subscription.Room, last, EventStreamOptions.ReplayPage, cancellationToken);
            }

            if (!await MayStillReadAsync(subscription, cancellationToken))
            {
                return last;
            }

            foreach (var entry in page)
            {
                if (entry.Id > last)
                {
                    Write(writer, entry);
                    last = entry.Id;
                }
            }

            await FlushAsync(writer, cancellationToken);
            if (page.Count < EventStreamOptions.ReplayPage)
            {
                break;
            }
        }

        return last;
    }

    // False once the subscription has ended, or a room change (or the keep-alive's look) finds the reader may no longer read.
    private async ValueTask<bool> MayStillReadAsync(RoomLogSubscription subscription, CancellationToken cancellationToken)
    {
        if (subscription.TakeRightsChanged() && !await authorization.CanReadAsync(subscription.Caller, subscription.Room, cancellationToken))
        {
            subscription.End(RoomLogSubscription.Removed);
        }

        return subscription.EndReason is null;
    }

    private void Write(PipeWriter writer, ChatMessage entry)
    {
        var head = $"id: {entry.Id.ToString(CultureInfo.InvariantCulture)}\nevent: {entry.Kind}\ndata: ";
        writer.Write(Encoding.UTF8.GetBytes(head));
        // The wire's encoder escapes control characters and line terminators: the data is one line.
        writer.Write(JsonSerializer.SerializeToUtf8Bytes(entry, _json));

        writer.Write("\n\n"u8);
    }

    private static async Task FlushAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        var flushed = await writer.FlushAsync(cancellationToken);
        if (flushed.IsCanceled || flushed.IsCompleted)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    [LoggerMessage(EventId = 240, Level = LogLevel.Information, Message = "An event stream of room '{Room}' ended: {Reason}")]
    private static partial void LogEnded(ILogger logger, string room, string reason);
}
