using HubApp.Contracts;

namespace HubApp.Presence;

/// <summary>
/// Who is present where as every user sees it: this node alone (<see cref="LocalPresenceDirectory"/>), or
/// all nodes sharing a backplane. <see cref="PresenceTracker"/> stays the per-connection truth of this node
/// (which rooms a connection joined: the hot-path check); this is told about each change after the tracker
/// and answers whether the change made the user present, or no longer present, anywhere.
/// </summary>
/// <remarks>
/// Called concurrently from every connection. A shared implementation throws
/// <c>StoreUnavailableException</c> when it cannot reach its store.
/// </remarks>
public interface IPresenceDirectory
{
    /// <summary>
    /// Registers the connection; false (and nothing registered) when its user already holds <paramref name="maxPerUser"/>
    /// connections, on every node together.
    /// </summary>
    Task<bool> ConnectedAsync(string connectionId, Member member, int maxPerUser, CancellationToken cancellationToken);

    /// <summary>True when the user became present in <paramref name="room"/>; <paramref name="firstHere"/>: on this node.</summary>
    Task<bool> JoinedAsync(ChatCaller caller, string room, bool firstHere, CancellationToken cancellationToken);

    /// <summary>
    /// Takes out of <paramref name="room"/>, on every node, the connections of <paramref name="userId"/> or, with
    /// <paramref name="onlyReaders"/>, those of every user not listed there but admins', and sends <c>UserLeft</c> for each
    /// user this leaves absent. Called by the node that made a removal before it returns to its caller, so that the room's
    /// members read anywhere afterwards leave the removed users out, whenever their own nodes get to them (which then find
    /// nothing left to remove, or remove it first: either way one <c>UserLeft</c>). One node alone has nothing to do here.
    /// </summary>
    Task RemovedAsync(string room, string? userId, IReadOnlyList<string>? onlyReaders, CancellationToken cancellationToken);

    /// <summary>True when the user is no longer present in <paramref name="room"/>; <paramref name="lastHere"/>: on this node.</summary>
    Task<bool> LeftAsync(string connectionId, Member member, string room, bool lastHere, CancellationToken cancellationToken);

    /// <summary>The rooms where the user is no longer present; <paramref name="goneHere"/>: those of this node.</summary>
    Task<IReadOnlyList<string>> DisconnectedAsync(string connectionId, Member member, IReadOnlyList<string> goneHere, CancellationToken cancellationToken);

    /// <summary>The ids of the user's open connections, on every node.</summary>
    Task<IReadOnlyList<string>> ConnectionsOfAsync(string userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Member>> MembersAsync(string room, CancellationToken cancellationToken);

    Task<PresenceCounts> CountsAsync(CancellationToken cancellationToken);
}
