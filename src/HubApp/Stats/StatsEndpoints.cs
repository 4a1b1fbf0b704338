using HubApp.Api;
using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Presence;
using HubApp.Rooms;
using Microsoft.Extensions.Options;

namespace HubApp.Stats;

public static class StatsEndpoints
{
    /// <summary>
    /// <c>GET /stats</c>: live connection, user and per-room presence counts (of every node, with a backplane), for a bearer
    /// of a valid token; a room is listed only to those who may read it (a private room to its members and admins).
    /// </summary>
    public static IEndpointRouteBuilder MapChatStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stats", async (HttpContext http, IPresenceDirectory presence, RoomAuthorization authorization, IOptions<AuthOptions> auth, CancellationToken cancellationToken) =>
        {
            var counts = await presence.CountsAsync(cancellationToken);
            var caller = http.User.ToCaller(string.Empty, auth.Value.AdminRole);
            var rooms = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (room, users) in counts.Rooms)
            {
                if (await authorization.CanReadAsync(caller, room, cancellationToken))
                {
                    rooms[room] = users;
                }
            }

            return Results.Ok(new ChatStats(counts.Connections, counts.Users, rooms));
        }).RequireAuthorization().AsRead();
        return app;
    }
}
