using System.Text.Json;
using HubApp.Auth;
using HubApp.Errors;
using HubApp.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace HubApp.Push;

/// <summary><c>GET /api/push/key</c>, <c>POST</c> and <c>DELETE /api/push/subscriptions</c> (docs/protocol.md, "Push notifications").</summary>
internal static class PushEndpoints
{
    /// <summary>A subscription's JSON is well under this; a larger body is refused before it is buffered.</summary>
    public const long MaxBodyBytes = 8 * 1024;

    /// <summary>How many subscriptions a user keeps (the oldest goes).</summary>
    public const int MaxPerUser = 10;

    public static async Task<IResult> GetKeyAsync(IOptions<PushOptions> options, VapidKeys keys, CancellationToken cancellationToken) =>
        options.Value.Enabled
            ? TypedResults.Ok(new { publicKey = (await keys.GetAsync(cancellationToken)).PublicKey })
            : TypedResults.NotFound();

    public static async Task<IResult> SubscribeAsync(HttpContext context, IOptions<PushOptions> options, IPushSubscriptionStore store, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return TypedResults.NotFound();
        }

        var body = await ReadBodyAsync<PushSubscriptionBody>(context, cancellationToken);
        var subscription = PushSubscriptionRules.Validate(UserOf(context), body, options.Value);
        await store.SaveAsync(subscription, MaxPerUser, cancellationToken);
        return TypedResults.Created();
    }

    public static async Task<IResult> UnsubscribeAsync(HttpContext context, IOptions<PushOptions> options, IPushSubscriptionStore store, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return TypedResults.NotFound();
        }

        var body = await ReadBodyAsync<PushSubscriptionBody>(context, cancellationToken);
        if (body?.Endpoint is not { Length: > 0 and <= PushSubscriptionRules.MaxEndpointLength } endpoint)
        {
            throw ChatErrors.InvalidArgument("the body is a JSON object {\"endpoint\": \"…\"}.");
        }

        // Only the caller's own: someone else's endpoint is left alone, and the answer is the same (nothing to tell).
        await store.RemoveAsync(UserOf(context), endpoint, cancellationToken);
        return TypedResults.NoContent();
    }

    private static string UserOf(HttpContext context) => context.User.UserId() ?? throw new InvalidOperationException("An authorized request has a user.");

    /// <summary>The JSON body, at most <see cref="MaxBodyBytes"/> (Kestrel stops reading past it); anything else is <c>invalid_message</c>.</summary>
    private static async Task<T?> ReadBodyAsync<T>(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (!context.Request.HasJsonContentType() || context.Request.ContentLength > MaxBodyBytes)
        {
            throw ChatErrors.InvalidArgument("the body is JSON (application/json) of at most 8 KiB.");
        }

        try
        {
            var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, json, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException)
        {
            throw ChatErrors.InvalidArgument("the body is not the JSON of a push subscription.");
        }
    }
}
