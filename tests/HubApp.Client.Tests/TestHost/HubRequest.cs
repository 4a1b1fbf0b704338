using Microsoft.AspNetCore.Http;

namespace HubApp.Client.Tests.TestHost;

/// <summary>What the fake server saw of one HTTP request to the hub's path.</summary>
public sealed record HubRequest(bool Negotiate, bool WebSocket, string Method, string? Authorization, string? Origin, string? TestHeader, string? AccessTokenQuery)
{
    /// <summary>The custom header the tests send through <c>ChatClientOptions.Headers</c>.</summary>
    public const string TestHeaderName = "X-HubApp-Test";

    public static HubRequest From(HttpContext context) => new(
        context.Request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true,
        // Read from the header: the request has not reached SignalR's WebSocket middleware yet.
        string.Equals(context.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase),
        context.Request.Method,
        context.Request.Headers.Authorization.FirstOrDefault(),
        context.Request.Headers.Origin.FirstOrDefault(),
        context.Request.Headers[TestHeaderName].FirstOrDefault(),
        context.Request.Query["access_token"].FirstOrDefault());
}
