using HubApp.Contracts;
using HubApp.Errors;
using HubApp.History;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Rooms;

/// <summary>
/// Rooms as things to find and make: <c>CreateRoom</c>, <c>GetRoomInfo</c>, <c>ListRooms</c> (and <c>GET /api/rooms</c>,
/// which is <see cref="ListAsync"/> with the HTTP caller). Who may see what is <see cref="RoomAuthorization"/>'s to say.
/// </summary>
/// <remarks>Called concurrently from every connection; reads of room info go to the store, so they see every node's changes.</remarks>
internal sealed class RoomDirectory(
    IRoomStore store,
    RoomAuthorization authorization,
    IPresenceDirectory presence,
    IRoomChangeBus changes,
    IOptions<LimitsOptions> limits,
    TimeProvider time)
{
    public async Task<RoomInfo> CreateAsync(ChatCaller caller, string? room, string? visibility, string? topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var name = RoomAccess.RequireValid(room);
        var kind = RoomArguments.RequireVisibility(visibility);
        var cleanTopic = RoomArguments.RequireTopic(topic);
        var settings = limits.Value;
        // Admins are held to no quota: they claim open rooms and make rooms for others.
        var quota = caller.IsAdmin ? null : new RoomQuota(settings.RoomsCreatedPerHour, settings.MaxRoomsOwned);
        switch (await store.CreateRoomAsync(new NewRoom(name, kind, cleanTopic, caller.UserId, caller.UserName, Now(), quota), claimOpen: caller.IsAdmin, cancellationToken))
        {
            case RoomCreation.Taken:
                throw ChatErrors.RoomExists(name);
            case RoomCreation.HourlyAllowanceSpent:
                throw ChatErrors.RoomsCreatedRateLimited(settings.RoomsCreatedPerHour);
            case RoomCreation.TooManyOwned:
                throw ChatErrors.TooManyRoomsOwned(settings.MaxRoomsOwned);
        }

        // Every node may hold the name as an open room. Made private, it is read by its owner alone from now on: whoever
        // joined it while it was open is taken out of it everywhere, as if the owner had kicked them.
        await changes.PublishAsync(
            kind == RoomKinds.Private
                ? new RoomChange(name, Removal: new RoomRemoval(name, RemovalReasons.Kicked, caller.UserId, null), OnlyReaders: [caller.UserId])
                : new RoomChange(name),
            cancellationToken);
        return Describe(await store.GetRoomAsync(name, cancellationToken), Now());
    }

    /// <summary>Kind, owner, topic and members; <c>not_found</c> for an open room with neither messages nor anyone present.</summary>
    public async Task<RoomInfo> InfoAsync(ChatCaller caller, string? room, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        await authorization.RequireReadableAsync(caller, name, cancellationToken);
        var stored = await store.GetRoomAsync(name, cancellationToken);
        if (stored.Kind == RoomKinds.Open && stored.LatestId == 0 && (await presence.MembersAsync(name, cancellationToken)).Count == 0)
        {
            throw ChatErrors.RoomNotFound(name);
        }

        return Describe(stored, Now());
    }

    /// <summary>
    /// The directory for <paramref name="caller"/>: open and public rooms and the private rooms they may read, whose name or
    /// topic contains <paramref name="query"/> (case-insensitive), most recently active first; <paramref name="limit"/>
    /// clamped to 1–200. Open rooms without messages are listed while someone is present in them, after the others.
    /// </summary>
    public async Task<IReadOnlyList<RoomSummary>> ListAsync(ChatCaller caller, string? query, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var count = HistoryOptions.PageSize(limit);
        var needle = string.IsNullOrWhiteSpace(query) ? null : query.Trim().ToLowerInvariant();
        var present = (await presence.CountsAsync(cancellationToken)).Rooms;
        var listed = new List<RoomSummary>(count);
        // The store's query keeps to the same rule (private rooms for their members); each private row is still asked
        // about here, so that the rule lives in one place (a ban, say).
        foreach (var row in await store.ListRoomsAsync(caller.UserId, caller.IsAdmin, needle, count, cancellationToken))
        {
            if (row.Kind != RoomKinds.Private || await authorization.CanReadAsync(caller, row.Name, cancellationToken))
            {
                listed.Add(new RoomSummary(row.Name, row.Kind, row.Topic, present.GetValueOrDefault(row.Name), row.LatestId, row.LastActivityAt));
            }
        }

        var known = listed.Select(r => r.Room).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, users) in present.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            if (listed.Count >= count)
            {
                break;
            }

            if (!known.Contains(name) && (needle is null || name.Contains(needle, StringComparison.Ordinal)) && await IsOpenAsync(caller, name, cancellationToken))
            {
                listed.Add(new RoomSummary(name, RoomKinds.Open, null, users, 0, null));
            }
        }

        return listed;
    }

    /// <summary>The room as <c>RoomInfo</c> shows it at <paramref name="now"/>: members with their roles and the mutes in force.</summary>
    public static RoomInfo Describe(StoredRoom room, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(room);
        return new RoomInfo(
            room.Name,
            room.Kind,
            room.Topic,
            room.OwnerId,
            [.. room.Members.Select(m => new RoomMember(m.UserId, m.UserName, m.Role, RoomRights.SanctionInForce(room, m.UserId, SanctionKind.Mute, now)))],
            room.CreatedAt);
    }

    // A present room missing from the store's rows is open and empty, or created and not for this caller (or past the limit).
    private async Task<bool> IsOpenAsync(ChatCaller caller, string room, CancellationToken cancellationToken) =>
        await authorization.RightsAsync(caller, room, cancellationToken) is { Room.Kind: RoomKinds.Open, CanRead: true };

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
