using HubApp.Contracts;
using HubApp.Errors;
using HubApp.History;
using HubApp.Presence;

namespace HubApp.Rooms;

/// <summary>
/// GetThread and GetMessages (docs/protocol.md, "Replies and threads"): reads of a room's log for what a client does not
/// hold (a thread, the parent of a reply). The read rules of GetHistory (<see cref="RoomAuthorization"/>, the read allowance
/// of the hub's filter), but the caller need not have joined: a mention or a link may lead to a room not open on this
/// connection.
/// </summary>
/// <remarks>Stateless; called concurrently from every connection.</remarks>
internal sealed class RoomReads(HistoryService history, RoomAuthorization authorization)
{
    /// <summary>The most ids one GetMessages names.</summary>
    public const int MaxIds = 100;

    public async Task<IReadOnlyList<ChatMessage>> ThreadAsync(ChatCaller caller, string? room, long rootId, long? afterId, int limit, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        await authorization.RequireReadableAsync(caller, name, cancellationToken);
        return await history.ThreadAsync(name, rootId, afterId, limit, cancellationToken);
    }

    public async Task<IReadOnlyList<ChatMessage>> MessagesAsync(ChatCaller caller, string? room, IReadOnlyList<long>? ids, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        await authorization.RequireReadableAsync(caller, name, cancellationToken);
        if (ids is null || ids.Count > MaxIds)
        {
            throw ChatErrors.InvalidArgument($"ids is a list of at most {MaxIds} message ids.");
        }

        return await history.ByIdsAsync(name, ids, cancellationToken);
    }
}
