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

    public static string RequireValid(string? room) =>
        RoomName.TryNormalize(room, out var name) ? name : throw ChatErrors.InvalidRoom();
}
