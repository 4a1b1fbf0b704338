using HubApp.Errors;
using HubApp.Storage;

namespace HubApp.Push;

/// <summary>A browser's <c>PushSubscription</c> JSON, as posted.</summary>
internal sealed record PushSubscriptionBody(string? Endpoint, PushSubscriptionKeys? Keys);

internal sealed record PushSubscriptionKeys(string? P256dh, string? Auth);

/// <summary>
/// What a subscription must be before it is stored (docs/security.md, "Push"): an <c>https:</c> endpoint on a host of
/// <c>Push:AllowedEndpointHosts</c>, so that no user can make the host post to an address of their choosing; keys that
/// encryption can use. Anything else is <c>invalid_message</c>.
/// </summary>
internal static class PushSubscriptionRules
{
    /// <summary>Push services' endpoints are a few hundred characters; a bound for what is stored per subscription.</summary>
    public const int MaxEndpointLength = 2048;

    /// <summary>The subscription's auth secret (RFC 8291): 16 bytes.</summary>
    public const int AuthSecretBytes = 16;

    public static PushSubscriptionRecord Validate(string userId, PushSubscriptionBody? body, PushOptions options)
    {
        var endpoint = RequireEndpoint(body?.Endpoint, options);
        if (VapidKeyCodec.ParsePoint(body?.Keys?.P256dh) is null)
        {
            throw ChatErrors.InvalidArgument("keys.p256dh must be a base64url uncompressed P-256 point (65 bytes).");
        }

        if (VapidKeyCodec.Decode(body?.Keys?.Auth) is not { Length: AuthSecretBytes })
        {
            throw ChatErrors.InvalidArgument($"keys.auth must be base64url of {AuthSecretBytes} bytes.");
        }

        return new PushSubscriptionRecord(userId, endpoint, body!.Keys!.P256dh!, body.Keys.Auth!);
    }

    /// <summary>The endpoint as it is stored, or <c>invalid_message</c>.</summary>
    public static string RequireEndpoint(string? endpoint, PushOptions options)
    {
        if (endpoint is not { Length: > 0 and <= MaxEndpointLength }
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http")
            || uri.UserInfo.Length > 0)
        {
            throw ChatErrors.InvalidArgument("endpoint must be an https: URL of a push service.");
        }

        if (!IsAllowedHost(uri, options.EndpointHosts))
        {
            throw ChatErrors.InvalidArgument($"endpoint's host {uri.IdnHost} is not a push service this server sends to (Push:AllowedEndpointHosts).");
        }

        // http: only where no network lies between (a loopback host the operator listed by name, a local test receiver),
        // or when Push:AllowHttpEndpoints says so; the payload is encrypted either way, the VAPID token is not.
        if (uri.Scheme == Uri.UriSchemeHttp && !options.AllowHttpEndpoints && !(uri.IsLoopback && IsListedExactly(uri, options.EndpointHosts)))
        {
            throw ChatErrors.InvalidArgument("endpoint must be an https: URL of a push service.");
        }

        return endpoint;
    }

    /// <summary>
    /// An exact entry (a host, or host:port), or a <c>*.domain</c> entry for any subdomain of domain; ignoring case and a
    /// trailing dot.
    /// </summary>
    public static bool IsAllowedHost(Uri endpoint, IEnumerable<string> allowed)
    {
        var name = endpoint.IdnHost.TrimEnd('.');
        return allowed.Any(entry => entry.StartsWith("*.", StringComparison.Ordinal)
            ? name.EndsWith(entry[1..], StringComparison.OrdinalIgnoreCase) && name.Length > entry.Length - 1
            : IsListedExactly(endpoint, [entry]));
    }

    private static bool IsListedExactly(Uri endpoint, IEnumerable<string> allowed) =>
        allowed.Any(entry => string.Equals(endpoint.IdnHost.TrimEnd('.'), entry.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
            || string.Equals($"{endpoint.IdnHost}:{endpoint.Port}", entry, StringComparison.OrdinalIgnoreCase));
}
