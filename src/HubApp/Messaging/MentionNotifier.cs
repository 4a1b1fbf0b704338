using HubApp.Contracts;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Sending;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Messaging;

/// <summary>
/// <c>Mentioned</c> (docs/protocol.md, "Mentions"): a new message goes to every connection of each user it mentions, on every
/// node, joined to the room or not, when that user may read the room (<see cref="RoomAuthorization"/> decides, as for anyone);
/// never to the author, never for an edit. The connections come from the presence directory at that moment, as
/// <c>RoomAdded</c> finds them (<see cref="UserRoomList"/>): SignalR's lifetime manager reaches those on other nodes.
/// </summary>
/// <remarks>
/// Called once a message is stored, after its sender's answer is settled; runs on its own (<see cref="FireAndForget"/>): a
/// mentioned user's slow connection holds up nobody. Best effort, as delivery is: a user who misses it (their connection
/// opened a moment later) reads the count from <c>mentionCount</c>. An admin who is no member of a private room is not told
/// (the directory knows connections, not their roles).
/// </remarks>
internal sealed class MentionNotifier(
    RoomAuthorization authorization,
    IPresenceDirectory presence,
    IHubClients<IChatClient> clients,
    ILogger<MentionNotifier> logger)
{
    /// <summary>Tells the users <paramref name="message"/> mentions, if it mentions anyone but its author.</summary>
    public void Notify(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Mentions is { Count: > 0 } mentions && mentions.Any(u => !string.Equals(u, message.UserId, StringComparison.OrdinalIgnoreCase)))
        {
            FireAndForget.Observe(NotifyAsync(message, mentions), logger);
        }
    }

    private async Task NotifyAsync(ChatMessage message, IReadOnlyList<string> mentions)
    {
        foreach (var userId in mentions.Where(u => !string.Equals(u, message.UserId, StringComparison.OrdinalIgnoreCase)))
        {
            var connections = await presence.ConnectionsOfAsync(userId, CancellationToken.None);
            if (connections.Count > 0 && await authorization.CanReadAsync(new ChatCaller(connections[0], new Member(userId, userId)), message.Room, CancellationToken.None))
            {
                FireAndForget.Observe(clients.Clients(connections).Mentioned(message), logger);
            }
        }
    }
}
