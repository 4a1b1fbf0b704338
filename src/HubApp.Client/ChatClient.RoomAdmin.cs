using System.Globalization;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace HubApp.Client;

// Created rooms, the directory and moderation (contract v2): the methods, and the events that say a room changed for this
// user. A room the user was removed from (kicked, banned, left for good) is forgotten at once, so a reconnect does not
// rejoin it.
public sealed partial class ChatClient
{
    /// <summary>This user was made a member of a private room (an invitation), on every connection of theirs.</summary>
    public event Func<RoomInfo, Task>? AddedToRoom;

    /// <summary>This connection is out of the room: kicked, banned or left for good; the room is no longer tracked or rejoined.</summary>
    public event Func<RoomRemoval, Task>? RemovedFromRoom;

    /// <summary>A joined room's topic, roles or mutes changed.</summary>
    public event Func<RoomInfo, Task>? RoomUpdated;

    /// <summary>The directory: open and public rooms and this user's private ones whose name or topic contains <paramref name="query"/>.</summary>
    public async Task<IReadOnlyList<RoomSummary>> ListRoomsAsync(string? query = null, int limit = 50, CancellationToken ct = default) =>
        await Invoke<RoomSummary[]>(HubMethods.ListRooms, [query, limit], ct).ConfigureAwait(false);

    /// <summary>Makes a <c>public</c> or <c>private</c> room (<see cref="RoomKinds"/>) owned by this user; does not join it.</summary>
    public Task<RoomInfo> CreateRoomAsync(string room, string visibility, string? topic = null, CancellationToken ct = default) =>
        Invoke<RoomInfo>(HubMethods.CreateRoom, [Required(room), Required(visibility), topic], ct);

    public Task<RoomInfo> GetRoomInfoAsync(string room, CancellationToken ct = default) => Invoke<RoomInfo>(HubMethods.GetRoomInfo, [Required(room)], ct);

    public Task<RoomInfo> UpdateRoomAsync(string room, string? topic, CancellationToken ct = default) =>
        Invoke<RoomInfo>(HubMethods.UpdateRoom, [Required(room), topic], ct);

    public Task InviteAsync(string room, string userId, CancellationToken ct = default) => Invoke(HubMethods.InviteToRoom, [Required(room), Required(userId)], ct);

    /// <summary>A role of <see cref="RoomRoles"/>; <c>owner</c> hands the room over.</summary>
    public Task SetRoleAsync(string room, string userId, string role, CancellationToken ct = default) =>
        Invoke(HubMethods.SetRole, [Required(room), Required(userId), Required(role)], ct);

    public Task KickAsync(string room, string userId, CancellationToken ct = default) => Invoke(HubMethods.KickFromRoom, [Required(room), Required(userId)], ct);

    /// <summary>Bans the user until <paramref name="until"/> (for good when null).</summary>
    public Task BanAsync(string room, string userId, DateTime? until = null, CancellationToken ct = default) =>
        Invoke(HubMethods.BanFromRoom, [Required(room), Required(userId), Time(until)], ct);

    public Task UnbanAsync(string room, string userId, CancellationToken ct = default) => Invoke(HubMethods.UnbanFromRoom, [Required(room), Required(userId)], ct);

    /// <summary>Mutes the user until <paramref name="until"/> (for good when null).</summary>
    public Task MuteAsync(string room, string userId, DateTime? until = null, CancellationToken ct = default) =>
        Invoke(HubMethods.MuteInRoom, [Required(room), Required(userId), Time(until)], ct);

    public Task UnmuteAsync(string room, string userId, CancellationToken ct = default) => Invoke(HubMethods.UnmuteInRoom, [Required(room), Required(userId)], ct);

    /// <summary>
    /// Takes the room off this user's list (any kind of room) and leaves it on all their connections; in a private room it
    /// also ends the membership (the owner must hand it over first).
    /// </summary>
    public Task LeaveRoomForGoodAsync(string room, CancellationToken ct = default) => Invoke(HubMethods.LeaveRoomForGood, [Required(room)], ct);

    // Times travel as ISO-8601 strings, which every hub protocol carries the same way.
    private static string? Time(DateTime? time) => time?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static string Required(string value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        return value;
    }

    private Task<T> Invoke<T>(string method, object?[] args, CancellationToken ct)
    {
        EnsureConnected();
        return InvokeCoreAsync<T>(method, args, ct);
    }

    private Task Invoke(string method, object?[] args, CancellationToken ct)
    {
        EnsureConnected();
        return InvokeCoreAsync(method, args, ct);
    }

    private void RegisterRoomAdminEvents()
    {
        _hub.On<RoomInfo>(nameof(IChatClient.AddedToRoom), e => _events.Raise(AddedToRoom, e, nameof(AddedToRoom)));
        _hub.On<RoomRemoval>(nameof(IChatClient.RemovedFromRoom), OnRemovedFromRoom);
        _hub.On<RoomInfo>(nameof(IChatClient.RoomUpdated), e => _events.Raise(RoomUpdated, e, nameof(RoomUpdated)));
    }

    private void OnRemovedFromRoom(RoomRemoval removal)
    {
        lock (_gate)
        {
            var key = RoomKey(removal.Room);
            if (_rooms.TryGetValue(key, out var tracker))
            {
                tracker.Leave();
                ForgetIfIdle(key, tracker);
            }

            _events.Raise(RemovedFromRoom, removal, nameof(RemovedFromRoom));
        }
    }
}
