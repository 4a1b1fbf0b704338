using HubApp.Errors;
using HubApp.Presence;

namespace HubApp.Rooms;

internal static class RoomAccess
{
    /// <summary>The normalized room name, when it is valid and the caller's connection has joined it.</summary>
    public static string RequireJoined(this PresenceTracker presence, ChatCaller caller, string? room)
    {
        var name = RequireValid(room);
        if (!presence.IsInRoom(caller.ConnectionId, name))
        {
            throw ChatErrors.NotInRoom(name);
        }

        return name;
    }

    /// <summary>
    /// The normalized room name, when it is valid and the caller may read the room (its history, its read marker), joined
    /// or not. Every room is open today, so readable by everyone; this is where who may read a room is decided.
    /// </summary>
    public static string RequireReadable(ChatCaller caller, string? room)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return RequireValid(room);
    }

    public static string RequireValid(string? room) =>
        RoomName.TryNormalize(room, out var name) ? name : throw ChatErrors.InvalidRoom();
}
