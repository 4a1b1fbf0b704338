using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Webhooks;

/// <summary>
/// One batch POST: the body <c>{"webhookId", "room", "entries"}</c> written with the hub's JSON protocol options (so each
/// entry is the <c>ChatMessage</c> a JSON hub client gets), signed with the webhook's secret. No redirect is followed and
/// the answer's body is never read (the handler drains at most <see cref="MaxDrainBytes"/>), so a receiver can neither
/// point the host elsewhere nor hold it with a long answer; <see cref="WebhooksOptions.Timeout"/> bounds the whole exchange.
/// </summary>
/// <remarks>Called by many workers at once; holds no state of its own.</remarks>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<JsonHubProtocolOptions> json, IOptions<WebhooksOptions> options)
{
    /// <summary>The named <see cref="HttpClient"/> of webhook POSTs.</summary>
    public const string ClientName = "webhooks";

    public const string SignatureHeader = "X-HubApp-Signature";

    public const string DeliveryHeader = "X-HubApp-Delivery";

    /// <summary>The most bytes of an answer's body read (to keep its connection), or else the connection is closed.</summary>
    public const int MaxDrainBytes = 4096;

    private readonly JsonSerializerOptions _json = json.Value.PayloadSerializerOptions;

    public async Task<DeliveryResult> SendAsync(StoredWebhookBatch batch, CancellationToken cancellationToken)
    {
        if (!WebhookUrl.IsAllowed(batch.Url, options.Value.AllowedHosts, out var url))
        {
            return DeliveryResult.Failure;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookBody(batch.WebhookId, batch.Room, batch.Entries), _json);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(batch.Secret, body));
        request.Headers.Add(DeliveryHeader, $"{batch.Room}:{batch.Entries[0].Id}-{batch.Entries[^1].Id}");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? DeliveryResult.Success : DeliveryResult.HttpError;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // The timeout aborts the connection, which may surface as a failed request rather than a cancellation.
            return timeout.IsCancellationRequested ? DeliveryResult.Timeout : DeliveryResult.Failure;
        }
    }

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of <paramref name="body"/>, keyed with the secret's UTF-8 bytes.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>The POST body, as the contract names its members.</summary>
    private sealed record WebhookBody(string WebhookId, string Room, IReadOnlyList<ChatMessage> Entries);
}

/// <summary>A batch to send: a webhook's URL and secret, a room, and its next entries (at least one) in id order.</summary>
internal sealed record StoredWebhookBatch(string WebhookId, string Url, string Secret, string Room, IReadOnlyList<ChatMessage> Entries);
