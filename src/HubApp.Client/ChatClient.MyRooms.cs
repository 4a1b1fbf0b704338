using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace HubApp.Client;

// The user's rooms, which follow the user to every device (contract v3, "Your rooms"): the list, its changes made on the
// user's other connections, and the bans of a room this user moderates. Joining a room puts it on the list and
// LeaveRoomForGoodAsync takes it off; a reconnect re-joins only what this connection had joined, which changes no list.
public sealed partial class ChatClient
{
    /// <summary>A room was put on this user's list by a join on another of their connections (not raised for this connection's own joins).</summary>
    public event Func<MyRoom, Task>? RoomAdded;

    /// <summary>
    /// A room (the argument) was taken off this user's list: left for good on another connection, or a kick or ban. A room
    /// this connection had joined is also out of it then (<see cref="RemovedFromRoom"/>).
    /// </summary>
    public event Func<string, Task>? RoomRemoved;

    /// <summary>This user's rooms with their unread and mention counts, most recently active first: what to join on a new device.</summary>
    public async Task<IReadOnlyList<MyRoom>> GetMyRoomsAsync(CancellationToken ct = default) =>
        await Invoke<MyRoom[]>(HubMethods.GetMyRooms, [], ct).ConfigureAwait(false);

    /// <summary>The room's bans in force; for its owner, moderators and admins (<c>forbidden</c> for anyone else).</summary>
    public async Task<IReadOnlyList<RoomBan>> GetBansAsync(string room, CancellationToken ct = default) =>
        await Invoke<RoomBan[]>(HubMethods.GetBans, [Required(room)], ct).ConfigureAwait(false);

    private void RegisterMyRoomsEvents()
    {
        _hub.On<MyRoom>(nameof(IChatClient.RoomAdded), e => _events.Raise(RoomAdded, e, nameof(RoomAdded)));
        _hub.On<string>(nameof(IChatClient.RoomRemoved), e => _events.Raise(RoomRemoved, e, nameof(RoomRemoved)));
    }
}
