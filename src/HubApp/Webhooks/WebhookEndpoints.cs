using System.Security.Cryptography;
using System.Text.Json;
using HubApp.Errors;
using HubApp.Rooms;
using HubApp.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace HubApp.Webhooks;

/// <summary>
/// <c>POST</c>, <c>GET /api/webhooks</c> and <c>DELETE /api/webhooks/{id}</c>, for admins only (the group's policy):
/// each handler reads its input, checks it against <see cref="WebhookUrl"/> and the bounds, and delegates to the store.
/// Refusals are thrown and answered by the API's filter with the contract's codes.
/// </summary>
internal static class WebhookEndpoints
{
    /// <summary>The largest registration body read.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static async Task<IResult> CreateAsync(HttpContext context, IWebhookStore store, IOptions<WebhooksOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var request = await ReadBodyAsync(context, cancellationToken);
        if (!WebhookUrl.IsAllowed(request.Url, settings.AllowedHosts, out _))
        {
            throw ChatErrors.InvalidArgument("the url must be absolute https, or http to a host of Webhooks:AllowedHosts, of at most 2048 characters.");
        }

        if (request.Rooms is { Length: var count } && (count == 0 || count > settings.MaxRooms))
        {
            throw ChatErrors.InvalidArgument($"rooms is null (every room) or lists 1 to {settings.MaxRooms} rooms.");
        }

        string[]? rooms = request.Rooms is null ? null : [.. request.Rooms.Select(RoomAccess.RequireValid).Distinct(StringComparer.Ordinal)];
        // 32 random bytes, as lowercase hex: the receiver keys its HMAC with this text's UTF-8 bytes.
        var webhook = new StoredWebhook(
            Guid.NewGuid().ToString("N"), request.Url!, rooms, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), time.GetUtcNow().UtcDateTime);
        if (!await store.AddWebhookAsync(webhook, settings.MaxWebhooks, cancellationToken))
        {
            throw ChatErrors.InvalidArgument($"at most {settings.MaxWebhooks} webhooks (Webhooks:MaxWebhooks); remove one first.");
        }

        return TypedResults.Created(
            $"{WebhooksExtensions.Path}/{webhook.Id}",
            new CreatedWebhook(webhook.Id, webhook.Url, webhook.Rooms, webhook.Secret, webhook.CreatedAt));
    }

    public static async Task<IResult> ListAsync(IWebhookStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.GetWebhooksAsync(cancellationToken)).Select(w => new ListedWebhook(w.Id, w.Url, w.Rooms, w.CreatedAt)).ToArray());

    public static async Task<IResult> DeleteAsync(string id, IWebhookStore store, CancellationToken cancellationToken) =>
        await store.DeleteWebhookAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : throw new ChatRefusedException(Contracts.ErrorCodes.NotFound, "there is no webhook with that id.");

    private static ChatRefusedException InvalidBody() =>
        ChatErrors.InvalidArgument("the body is a JSON object {\"url\": \"https://…\", \"rooms\": [\"…\"] | null} (application/json).");

    // Read by hand rather than bound, so that a body of the wrong shape, or too large, is invalid_message like any other.
    private static async Task<RegisterWebhook> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBodyBytes;
        }

        try
        {
            return context.Request.HasJsonContentType()
                && await JsonSerializer.DeserializeAsync<RegisterWebhook>(context.Request.Body, JsonSerializerOptions.Web, cancellationToken) is { } request
                ? request
                : throw InvalidBody();
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException)
        {
            throw InvalidBody();
        }
    }

    private sealed record RegisterWebhook(string? Url, string[]? Rooms);

    /// <summary>The answer to a registration: the only time the secret is shown.</summary>
    private sealed record CreatedWebhook(string Id, string Url, IReadOnlyList<string>? Rooms, string Secret, DateTime CreatedAt);

    private sealed record ListedWebhook(string Id, string Url, IReadOnlyList<string>? Rooms, DateTime CreatedAt);
}
