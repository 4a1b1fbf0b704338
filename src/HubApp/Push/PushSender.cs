using System.Net;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Storage;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Options;

namespace HubApp.Push;

/// <summary>
/// Sends what <see cref="PushQueue"/> holds, <c>Push:MaxConcurrentSends</c> at a time, each to every subscription of its
/// user who has no connection on any node at that moment (the presence directory's answer) and, for a mention, may still
/// read the room (<see cref="RoomAuthorization"/> decides, as for anyone). Lib.Net.Http.WebPush encrypts (RFC 8291
/// aes128gcm) and signs (VAPID, RFC 8292). A 404 or 410 removes the subscription; any other failure is counted and the
/// push dropped: no retries, so a push service that is down costs one request per push.
/// </summary>
internal sealed partial class PushSender(
    PushQueue queue,
    VapidKeys keys,
    IPushSubscriptionStore subscriptions,
    IPresenceDirectory presence,
    RoomAuthorization authorization,
    IHttpClientFactory httpClients,
    PushMetrics metrics,
    IOptions<PushOptions> options,
    ILogger<PushSender> logger) : BackgroundService
{
    /// <summary>The named HTTP client: no redirects, <c>Push:SendTimeout</c>.</summary>
    public const string HttpClientName = "push";

    /// <summary>The push's time to live (RFC 8030 <c>TTL</c>): a day.</summary>
    public const int TimeToLiveSeconds = 86_400;

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Enabled)
        {
            // The pair is made (or read, or checked) before the node serves: a key file that cannot be read stops the start.
            await keys.GetAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var pair = await keys.GetAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, options.Value.MaxConcurrentSends).Select(_ => Task.Run(() => SendLoopAsync(pair, stoppingToken), CancellationToken.None)));
    }

    private async Task SendLoopAsync(VapidKeyPair pair, CancellationToken stoppingToken)
    {
        // One signer per loop: each keeps its own key object and token cache.
        using var vapid = new VapidAuthentication(pair.PublicKey, pair.PrivateKey) { Subject = options.Value.Subject };
        var client = new PushServiceClient(httpClients.CreateClient(HttpClientName))
        {
            DefaultAuthentication = vapid,
            DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid,
            AutoRetryAfter = false,
        };
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await SendAsync(client, job, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The store or the presence directory did not answer: this push is lost, the loop goes on.
                    metrics.Record(PushMetrics.Failed);
                    LogJobFailed(logger, job.UserId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is dropped, as pushes are best effort.
        }
    }

    private async Task SendAsync(PushServiceClient client, PushJob job, CancellationToken cancellationToken)
    {
        if ((await presence.ConnectionsOfAsync(job.UserId, cancellationToken)).Count > 0)
        {
            return;
        }

        if (job.Payload.Room is { } room
            && !await authorization.CanReadAsync(new ChatCaller("push", new Member(job.UserId, job.UserId)), room, cancellationToken))
        {
            return;
        }

        var content = JsonSerializer.Serialize(job.Payload, PayloadJson);
        foreach (var subscription in await subscriptions.ListAsync(job.UserId, cancellationToken))
        {
            metrics.Record(await SendOneAsync(client, subscription, content, cancellationToken));
        }
    }

    private async Task<string> SendOneAsync(PushServiceClient client, PushSubscriptionRecord subscription, string content, CancellationToken cancellationToken)
    {
        var target = new PushSubscription { Endpoint = subscription.Endpoint };
        target.SetKey(PushEncryptionKeyName.P256DH, subscription.P256dh);
        target.SetKey(PushEncryptionKeyName.Auth, subscription.Auth);
        var message = new PushMessage(content) { TimeToLive = TimeToLiveSeconds, Urgency = PushMessageUrgency.High };
        try
        {
            await client.RequestPushMessageDeliveryAsync(target, message, cancellationToken);
            return PushMetrics.Sent;
        }
        catch (PushServiceClientException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            await subscriptions.RemoveEndpointAsync(subscription.Endpoint, cancellationToken);
            LogGone(logger, (int)ex.StatusCode, subscription.UserId);
            return PushMetrics.Gone;
        }
        catch (Exception ex) when (ex is PushServiceClientException or HttpRequestException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogSendFailed(logger, new Uri(subscription.Endpoint).Host, ex.Message);
            return PushMetrics.Failed;
        }
    }

    [LoggerMessage(EventId = 230, Level = LogLevel.Debug, Message = "A push endpoint of {UserId} answered {Status}: removed.")]
    private static partial void LogGone(ILogger logger, int status, string userId);

    [LoggerMessage(EventId = 231, Level = LogLevel.Warning, Message = "A push to {Host} failed and was dropped: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 232, Level = LogLevel.Warning, Message = "A push for {UserId} was dropped: {Reason}")]
    private static partial void LogJobFailed(ILogger logger, string userId, string reason);
}
