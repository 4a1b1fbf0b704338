using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Sending;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.ReadState;

/// <summary>
/// The caller's read markers: moved by MarkRead and MarkDirectRead only, kept by the store (monotonic, clamped, on every
/// node), and told to the caller's other connections with <c>ReadMarkerMoved</c> when a move moved it.
/// </summary>
/// <remarks>
/// The other connections are those the presence directory lists for the user at the time of the move, on every node,
/// and the send is SignalR's to connections, which both engines carry across nodes; a connection opened a moment later
/// may miss the event, but it reads the markers fresh (JoinRoom's snapshot, GetConversations). The send is started, not
/// awaited (<see cref="FireAndForget"/>). Called concurrently from every connection.
/// </remarks>
internal sealed class ReadStateService(
    IReadMarkerStore store,
    IPresenceDirectory directory,
    RoomAuthorization authorization,
    IHubClients<IChatClient> clients,
    ILogger<ReadStateService> logger)
{
    public async Task MarkReadAsync(ChatCaller caller, string? room, long messageId, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        await authorization.RequireReadableAsync(caller, name, cancellationToken);
        if (await store.MoveRoomMarkerAsync(caller.UserId, name, messageId, cancellationToken) is { } moved)
        {
            await TellOtherConnectionsAsync(caller, new ReadMarker(name, null, moved), cancellationToken);
        }
    }

    public async Task MarkDirectReadAsync(ChatCaller caller, string? userId, long messageId, CancellationToken cancellationToken)
    {
        var other = ChatClaims.RequireValidUserId(userId);
        if (await store.MoveDirectMarkerAsync(caller.UserId, other, messageId, cancellationToken) is { } moved)
        {
            await TellOtherConnectionsAsync(caller, new ReadMarker(null, other, moved), cancellationToken);
        }
    }

    private async Task TellOtherConnectionsAsync(ChatCaller caller, ReadMarker marker, CancellationToken cancellationToken)
    {
        var others = (await directory.ConnectionsOfAsync(caller.UserId, cancellationToken)).Where(id => id != caller.ConnectionId).ToArray();
        if (others.Length > 0)
        {
            FireAndForget.Observe(clients.Clients(others).ReadMarkerMoved(marker), logger);
        }
    }
}
