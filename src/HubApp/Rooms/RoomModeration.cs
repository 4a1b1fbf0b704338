using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Presence;
using HubApp.Sending;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Rooms;

/// <summary>
/// What owners, moderators and admins do to a room and its people: topic, invitations, roles, kicks, bans and mutes, and a
/// member's leaving for good. Each is decided by <see cref="RoomAuthorization"/>, stored, then told to every node
/// (<see cref="IRoomChangeBus"/>: caches dropped, removed users' connections taken out of the room wherever they are), then
/// to clients: <c>RoomUpdated</c> to the room's connections, <c>AddedToRoom</c> to an invited user's.
/// </summary>
/// <remarks>Called concurrently from every connection. Client sends are started, not awaited (<see cref="FireAndForget"/>).</remarks>
internal sealed class RoomModeration(
    IRoomStore store,
    RoomAuthorization authorization,
    IRoomChangeBus changes,
    UserRoomList roomList,
    IPresenceDirectory presence,
    IHubClients<IChatClient> clients,
    TimeProvider time,
    ILogger<RoomModeration> logger)
{
    public async Task<RoomInfo> UpdateAsync(ChatCaller caller, string? room, string? topic, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        var cleanTopic = RoomArguments.RequireTopic(topic);
        RequireCreated(await authorization.RequireModeratorAsync(caller, name, cancellationToken));
        await store.SetTopicAsync(name, cleanTopic, cancellationToken);
        return await ChangedAsync(name, cancellationToken);
    }

    public async Task InviteAsync(ChatCaller caller, string? room, string? userId, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        var target = ChatClaims.RequireValidUserId(userId);
        var rights = await authorization.RequireModeratorAsync(caller, name, cancellationToken);
        if (rights.Room.Kind != RoomKinds.Private)
        {
            throw ChatErrors.Forbidden($"'{name}' is not private: anyone may join it.");
        }

        if (rights.RoleOf(target) is null)
        {
            await store.AddMemberAsync(name, target, target, cancellationToken);
        }

        var info = await ChangedAsync(name, cancellationToken);
        var connections = await presence.ConnectionsOfAsync(target, cancellationToken);
        if (connections.Count > 0)
        {
            FireAndForget.Observe(clients.Clients(connections).AddedToRoom(info), logger);
        }
    }

    /// <summary>Owner (or admin) only; <c>owner</c> hands the room over, and the owner before becomes a moderator.</summary>
    public async Task SetRoleAsync(ChatCaller caller, string? room, string? userId, string? role, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        var target = ChatClaims.RequireValidUserId(userId);
        var newRole = RoomArguments.RequireRole(role);
        var rights = RequireCreated(await authorization.RequireOwnerAsync(caller, name, cancellationToken));
        var current = rights.RoleOf(target);
        var targetName = rights.Room.Members.FirstOrDefault(m => m.UserId == target)?.UserName ?? target;
        if (current == RoomRoles.Owner)
        {
            if (newRole != RoomRoles.Owner)
            {
                throw ChatErrors.Forbidden($"the owner of '{name}' keeps that role until handing the room over.");
            }

            return;
        }

        // Decided again by the store on the room as stored: this node's copy may not know of a hand-over made a moment ago.
        if (!await store.SetRoleAsync(name, caller.IsAdmin ? null : caller.UserId, target, targetName, newRole, cancellationToken))
        {
            throw ChatErrors.Forbidden($"'{name}' changed hands meanwhile: only its owner may set roles.");
        }

        await ChangedAsync(name, cancellationToken);
    }

    /// <summary>Out of the room on every connection; in a private room the membership ends too. They may join a public or open room again.</summary>
    public async Task KickAsync(ChatCaller caller, string? room, string? userId, CancellationToken cancellationToken)
    {
        var (name, target, rights) = await ActOnAsync(caller, room, userId, cancellationToken);
        if (rights.Room.Kind == RoomKinds.Private)
        {
            await store.RemoveMemberAsync(name, target, cancellationToken);
        }

        await roomList.RemoveAsync(target, name, exceptConnectionId: null, cancellationToken);
        await changes.PublishAsync(new RoomChange(name, target, new RoomRemoval(name, RemovalReasons.Kicked, caller.UserId, null)), cancellationToken);
    }

    public async Task BanAsync(ChatCaller caller, string? room, string? userId, string? until, CancellationToken cancellationToken)
    {
        var end = RoomArguments.RequireUntil(until, Now());
        var (name, target, _) = await ActOnAsync(caller, room, userId, cancellationToken);
        await store.SetSanctionAsync(name, target, SanctionKind.Ban, end, caller.UserId, Now(), cancellationToken);
        await roomList.RemoveAsync(target, name, exceptConnectionId: null, cancellationToken);
        await changes.PublishAsync(new RoomChange(name, target, new RoomRemoval(name, RemovalReasons.Banned, caller.UserId, end)), cancellationToken);
    }

    public async Task UnbanAsync(ChatCaller caller, string? room, string? userId, CancellationToken cancellationToken)
    {
        var (name, target, _) = await ActOnAsync(caller, room, userId, cancellationToken);
        await store.RemoveSanctionAsync(name, target, SanctionKind.Ban, cancellationToken);
        await changes.PublishAsync(new RoomChange(name), cancellationToken);
    }

    public async Task MuteAsync(ChatCaller caller, string? room, string? userId, string? until, CancellationToken cancellationToken)
    {
        var end = RoomArguments.RequireUntil(until, Now());
        var (name, target, _) = await ActOnAsync(caller, room, userId, cancellationToken);
        await store.SetSanctionAsync(name, target, SanctionKind.Mute, end, caller.UserId, Now(), cancellationToken);
        await ChangedAsync(name, cancellationToken);
    }

    public async Task UnmuteAsync(ChatCaller caller, string? room, string? userId, CancellationToken cancellationToken)
    {
        var (name, target, _) = await ActOnAsync(caller, room, userId, cancellationToken);
        await store.RemoveSanctionAsync(name, target, SanctionKind.Mute, cancellationToken);
        await ChangedAsync(name, cancellationToken);
    }

    /// <summary>
    /// Takes the room off the caller's list and leaves it on every connection, for every kind of room; in a created room
    /// it ends the membership too, and the owner must hand it over first.
    /// </summary>
    public async Task LeaveForGoodAsync(ChatCaller caller, string? room, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        var rights = await authorization.RightsAsync(caller, name, cancellationToken);
        if (!rights.CanRead)
        {
            throw ChatErrors.RoomForbidden(name);
        }

        if (rights.Role == RoomRoles.Owner)
        {
            throw ChatErrors.Forbidden($"hand '{name}' over to someone else before leaving it for good.");
        }

        if (rights.Role is not null)
        {
            await store.RemoveMemberAsync(name, caller.UserId, cancellationToken);
        }

        // Off the list before the connections leave: a client told of the removal that reads the list finds it gone.
        await roomList.RemoveAsync(caller.UserId, name, caller.ConnectionId, cancellationToken);
        await changes.PublishAsync(new RoomChange(name, caller.UserId, new RoomRemoval(name, RemovalReasons.Left, caller.UserId, null)), cancellationToken);
    }

    /// <summary>The room's bans in force, for its owner, moderators and admins (<c>forbidden</c> for anyone else).</summary>
    public async Task<IReadOnlyList<RoomBan>> BansAsync(ChatCaller caller, string? room, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        var rights = await authorization.RequireModeratorAsync(caller, name, cancellationToken);
        // An array, not a collection expression: SignalR's MessagePack protocol serializes the runtime type, and the
        // compiler's read-only list type for `[.. ]` has no formatter (the browser's GetBans failed with it).
        return rights.Room.Sanctions
            .Where(s => s.Kind == SanctionKind.Ban && (s.Until is null || s.Until > rights.Now))
            .OrderBy(s => s.UserId, StringComparer.Ordinal)
            .Select(s => new RoomBan(s.UserId, s.Until, s.ByUserId, s.At))
            .ToArray();
    }

    private async Task<(string Room, string Target, RoomRights Rights)> ActOnAsync(ChatCaller caller, string? room, string? userId, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        var target = ChatClaims.RequireValidUserId(userId);
        return (name, target, await authorization.RequireCanActOnAsync(caller, name, target, cancellationToken));
    }

    // Roles and topics belong to created rooms; an open room has neither (admins moderate it: kick, ban, mute).
    private static RoomRights RequireCreated(RoomRights rights) =>
        rights.Room.Kind == RoomKinds.Open ? throw ChatErrors.Forbidden($"'{rights.Room.Name}' was never created: it has no topic or roles.") : rights;

    /// <summary>Tells every node, then the room's connections (<c>RoomUpdated</c>); the room as it is now.</summary>
    private async Task<RoomInfo> ChangedAsync(string room, CancellationToken cancellationToken)
    {
        await changes.PublishAsync(new RoomChange(room), cancellationToken);
        var info = RoomDirectory.Describe(await store.GetRoomAsync(room, cancellationToken), Now());
        FireAndForget.Observe(clients.Group(room).RoomUpdated(info), logger);
        return info;
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
