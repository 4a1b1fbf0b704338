using HubApp.Presence;

namespace HubApp.Stats;

public static class StatsEndpoints
{
    /// <summary><c>GET /stats</c>: live connection, user and per-room presence counts (of every node, with a backplane), for a bearer of a valid token.</summary>
    public static IEndpointRouteBuilder MapChatStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stats", async (IPresenceDirectory presence, CancellationToken cancellationToken) => Results.Ok(await presence.CountsAsync(cancellationToken))).RequireAuthorization();
        return app;
    }
}
