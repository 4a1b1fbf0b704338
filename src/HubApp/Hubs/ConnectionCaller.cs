using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Presence;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>
/// The caller of a hub connection, made from its claims once and kept as a feature of the connection: a connection's
/// principal cannot change while it is open (a new token means a new connection), and reading the claims (three
/// lookups, the display name cleaned, the role scan, two allocations) on every invocation cost more than a message's
/// own checks.
/// </summary>
/// <remarks>
/// The first call is the hub's OnConnectedAsync, which SignalR runs before it dispatches any invocation of the
/// connection, so every later call (up to MaximumParallelInvocationsPerClient at once) only reads. A feature rather
/// than an entry in <see cref="HubCallerContext.Items"/>: the connection's feature collection exists already, while its
/// items would be a concurrent dictionary made for this alone, several hundred bytes per connection.
/// </remarks>
internal static class ConnectionCaller
{
    public static ChatCaller Of(HubCallerContext context, string adminRole)
    {
        if (context.Features.Get<ChatCaller>() is { } caller)
        {
            return caller;
        }

        caller = context.User.ToCaller(context.ConnectionId, adminRole) with { BatchedPresence = AsksForBatchedPresence(context) };
        context.Features.Set(caller);
        return caller;
    }

    // Chosen in the hub URL, so that every transport and every reconnect of the connection carries it, and no call is
    // needed before the first JoinRoom.
    private static bool AsksForBatchedPresence(HubCallerContext context) =>
        context.GetHttpContext()?.Request.Query[PresenceModes.QueryParameter] is [PresenceModes.Batched];
}
