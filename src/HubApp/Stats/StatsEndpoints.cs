using HubApp.Presence;

namespace HubApp.Stats;

public static class StatsEndpoints
{
    /// <summary><c>GET /stats</c>: live connection, user and per-room presence counts, for a bearer of a valid token.</summary>
    public static IEndpointRouteBuilder MapChatStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stats", (PresenceTracker presence) => Results.Ok(presence.Counts())).RequireAuthorization();
        return app;
    }
}
