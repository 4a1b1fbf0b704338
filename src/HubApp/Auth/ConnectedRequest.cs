using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Primitives;

namespace HubApp.Auth;

/// <summary>
/// What a hub connection's request lets go of once the connection is up. A WebSocket (or Server-Sent Events) request
/// stays open for the connection's life, and with it whatever its authentication left on it: the token, in the parsed
/// query (about 0.7 KB) or the <c>Authorization</c> header, and the bearer handler with its authentication result (about
/// 0.5 KB). The connection needs only
/// its principal, which SignalR copied from <see cref="HttpContext.User"/> with the token's expiry (for
/// <c>CloseOnAuthenticationExpiration</c>) before the hub's <c>OnConnectedAsync</c>.
/// </summary>
/// <remarks>
/// Called once per connection from the hub's <c>OnConnectedAsync</c>, while the request is parked in SignalR's dispatcher,
/// so nothing else uses the request's handlers at the same time. A stateful reconnect is a new request that is not
/// released (no <c>OnConnectedAsync</c> runs for it); it keeps what a connection kept before.
/// </remarks>
internal static class ConnectedRequest
{
    /// <summary>The query parameter browsers carry the token in (AuthExtensions' <c>ReadHubTokenFromQuery</c>).</summary>
    public const string TokenParameter = "access_token";

    /// <summary>Releases the request of a connection that keeps its request for its life (WebSockets, Server-Sent Events).</summary>
    public static void Release(HubCallerContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // Long polling's context is SignalR's copy of one poll, not a request that lasts.
        if (connection.GetHttpContext() is { } request
            && connection.Features.Get<IHttpTransportFeature>()?.TransportType is HttpTransportType.WebSockets or HttpTransportType.ServerSentEvents)
        {
            Release(request);
        }
    }

    public static void Release(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        DropToken(context);
        (context.RequestServices.GetService(typeof(IAuthenticationHandlerProvider)) as ReleasableHandlerProvider)?.Release();
    }

    // Only the parsed query is replaced: the query string and request target are Kestrel's, which keeps its own copies of
    // them for the next request on the connection. A header is the request's alone.
    private static void DropToken(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count > 0)
        {
            context.Request.Headers.Authorization = StringValues.Empty;
        }

        var query = context.Request.Query;
        if (!query.ContainsKey(TokenParameter))
        {
            return;
        }

        var kept = new Dictionary<string, StringValues>(query.Count - 1, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in query)
        {
            if (!string.Equals(key, TokenParameter, StringComparison.OrdinalIgnoreCase))
            {
                kept[key] = value;
            }
        }

        context.Features.Set<IQueryFeature>(new QueryFeature(new QueryCollection(kept)));
        // The request caches the feature it read last until it is read again.
        _ = context.Request.Query;
    }
}

/// <summary>
/// The request's authentication handlers, made by the framework's own provider, which can be let go of: the framework's
/// keeps each handler (and through it the authentication result) for the request's life, and the authentication
/// middleware holds the provider for as long as the request runs.
/// </summary>
internal sealed class ReleasableHandlerProvider(IAuthenticationSchemeProvider schemes) : IAuthenticationHandlerProvider
{
    private AuthenticationHandlerProvider? _handlers;

    public Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme) =>
        (_handlers ??= new AuthenticationHandlerProvider(schemes)).GetHandlerAsync(context, authenticationScheme);

    /// <summary>Drops the handlers made so far; a later call makes them afresh, as a new request would.</summary>
    public void Release() => _handlers = null;
}
