using HubApp.Contracts;

namespace HubApp.Presence;

/// <summary>One node: the tracker's answers are the whole truth.</summary>
internal sealed class LocalPresenceDirectory(PresenceTracker tracker) : IPresenceDirectory
{
    // The tracker counted the connection already (PresenceTracker.TryConnect).
    public Task<bool> ConnectedAsync(string connectionId, Member member, int maxPerUser, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> JoinedAsync(ChatCaller caller, string room, bool firstHere, CancellationToken cancellationToken) => Task.FromResult(firstHere);

    // The tracker is the directory, and RoomService takes the removed connections out of it.
    public Task RemovedAsync(string room, string? userId, IReadOnlyList<string>? onlyReaders, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> LeftAsync(string connectionId, Member member, string room, bool lastHere, CancellationToken cancellationToken) => Task.FromResult(lastHere);

    public Task<IReadOnlyList<string>> DisconnectedAsync(string connectionId, Member member, IReadOnlyList<string> goneHere, CancellationToken cancellationToken) => Task.FromResult(goneHere);

    public Task<IReadOnlyList<string>> ConnectionsOfAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(tracker.ConnectionIdsOf(userId));

    public Task<IReadOnlyList<Member>> MembersAsync(string room, CancellationToken cancellationToken) => Task.FromResult(tracker.Members(room));

    public Task<PresenceCounts> CountsAsync(CancellationToken cancellationToken) => Task.FromResult(tracker.Counts());
}
