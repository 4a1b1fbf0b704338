using HubApp.Contracts;

namespace HubApp.Presence;

/// <summary>
/// Who is calling: the connection and the identity its token proved. The hub builds it from its caller context
/// (never from an argument); the services take it as a plain value and know nothing of SignalR's context.
/// <paramref name="IsAdmin"/>: the token's <c>role</c> claim holds <c>Auth:AdminRole</c> (<see cref="HubApp.Auth.ChatClaims.IsAdmin"/>).
/// </summary>
public sealed record ChatCaller(string ConnectionId, Member Member, bool IsAdmin = false)
{
    /// <summary>The connection asked for batched presence (<see cref="PresenceModes"/>): <c>PresenceChanged</c>, not <c>UserJoined</c>/<c>UserLeft</c>.</summary>
    public bool BatchedPresence { get; init; }

    public string UserId => Member.UserId;

    public string UserName => Member.UserName;
}
