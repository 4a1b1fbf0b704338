namespace HubApp.Cli.Chat;

/// <summary>
/// Who is typing where, so that "bob is typing" is shown once when bob starts rather than at each of his
/// Typing(true) refreshes (every ~3 s): he counts as typing until Typing(false), a message from him in that room,
/// or <see cref="Expiry"/> without a refresh (the contract's 6 s). Thread-safe.
/// </summary>
internal sealed class TypingIndicator(TimeProvider time)
{
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(6);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Room, string UserId), long> _since = [];

    /// <summary>Takes a typing event; true when it is news (the user was not typing there) and should be shown.</summary>
    public bool Update(string room, string userId, bool isTyping)
    {
        lock (_gate)
        {
            var key = (room, userId);
            if (!isTyping)
            {
                _since.Remove(key);
                return false;
            }

            var now = time.GetTimestamp();
            var shown = _since.TryGetValue(key, out var last) && time.GetElapsedTime(last, now) < Expiry;
            _since[key] = now;
            return !shown;
        }
    }

    /// <summary>A message from the user in the room ends their typing.</summary>
    public void MessageFrom(string room, string userId)
    {
        lock (_gate)
        {
            _since.Remove((room, userId));
        }
    }
}
