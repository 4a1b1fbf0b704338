using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Telemetry;
using Microsoft.Extensions.Options;

namespace HubApp.Hubs;

/// <summary>
/// Answers 429 to a hub request (negotiate or connect) from a user who already holds
/// <c>Limits:MaxConnectionsPerUser</c> connections, so that a flood from one user costs no upgrade.
/// <see cref="Rooms.RoomService.Connect"/> checks again at connect, which settles concurrent attempts.
/// </summary>
internal sealed class ConnectionLimitMiddleware(RequestDelegate next, PresenceTracker presence, IOptions<LimitsOptions> limits, ChatMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(HubMethods.Path)
            && context.User.UserId() is { } userId
            && presence.ConnectionsOf(userId) >= limits.Value.MaxConnectionsPerUser)
        {
            metrics.Refused(ErrorCodes.TooManyConnections);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return context.Response.WriteAsync($"{ErrorCodes.TooManyConnections}: a user may hold at most {limits.Value.MaxConnectionsPerUser} connections.");
        }

        return next(context);
    }
}
