using HubApp.Presence;

namespace HubApp.Rooms;

/// <summary>
/// Every decision of who may do what in a room, in one place: the hub, the HTTP API, <c>/stats</c> and the directory
/// ask it, and nothing else checks roles. Today every room is open (nobody created it), so anyone may read and post
/// in it and only admins moderate; created rooms, roles, bans and mutes decide here too.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "A service: created rooms, roles, bans and mutes it decides on come from injected state.")]
internal sealed class RoomAuthorization
{
    /// <summary>Refuses with <c>forbidden</c> a caller who may not read <paramref name="room"/> (its history, members, marker).</summary>
    public Task RequireReadableAsync(ChatCaller caller, string room, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentException.ThrowIfNullOrEmpty(room);
        return Task.CompletedTask;
    }

    /// <summary>Refuses with <c>forbidden</c> or <c>muted</c> a caller who may not post in <paramref name="room"/>.</summary>
    public Task RequirePostableAsync(ChatCaller caller, string room, CancellationToken cancellationToken) =>
        RequireReadableAsync(caller, room, cancellationToken);

    /// <summary>Whether the caller moderates <paramref name="room"/>: deletes others' messages, kicks, bans, mutes.</summary>
    public Task<bool> CanModerateAsync(ChatCaller caller, string room, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Task.FromResult(caller.IsAdmin);
    }
}
