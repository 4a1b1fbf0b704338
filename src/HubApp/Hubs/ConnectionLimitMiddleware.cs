using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Telemetry;
using Microsoft.Extensions.Options;

namespace HubApp.Hubs;

/// <summary>
/// Answers 429 to a hub request that would make a new connection (negotiate, or a transport request without
/// negotiate) from a user who already holds <c>Limits:MaxConnectionsPerUser</c> connections, so that a flood
/// from one user costs no upgrade. <see cref="Rooms.RoomService.ConnectAsync"/> checks again at connect, which
/// settles concurrent attempts.
/// </summary>
/// <remarks>
/// A request with an <c>id</c> belongs to a connection negotiated, and checked, before: a long-polling poll or
/// send, a Server-Sent Events send, or a stateful reconnect resuming a connection that is still counted. Those
/// are let through, or a user at the limit would lose the connections they have.
/// </remarks>
internal sealed class ConnectionLimitMiddleware(RequestDelegate next, PresenceTracker presence, IOptions<LimitsOptions> limits, ChatMetrics metrics)
{
    // The connection token that SignalR's transports send with every request of a negotiated connection.
    private const string ConnectionIdParameter = "id";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(HubMethods.Path)
            && !context.Request.Query.ContainsKey(ConnectionIdParameter)
            && context.User.UserId() is { } userId
            && presence.ConnectionsOf(userId) >= limits.Value.MaxConnectionsPerUser)
        {
            // The hub's refusal at connect, in the same words, as a plain-text body: this is HTTP, not an invocation.
            var refusal = ChatErrors.TooManyConnections(limits.Value.MaxConnectionsPerUser);
            metrics.Refused(refusal.Code);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return context.Response.WriteAsync($"{refusal.Code}: {refusal.Text}");
        }

        return next(context);
    }
}
