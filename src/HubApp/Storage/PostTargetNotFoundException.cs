namespace HubApp.Storage;

/// <summary>
/// A post refused by the store: the message it answers or the thread root it names is not a message of the room that can
/// take it (see <see cref="NewChatMessage"/>). Nothing was stored or delivered.
/// </summary>
public sealed class PostTargetNotFoundException(NewChatMessage message)
    : Exception($"'{message?.Room}' has no message {message?.ReplyToId ?? message?.ThreadId} that a message can answer or join.")
{
    public NewChatMessage Post { get; } = message ?? throw new ArgumentNullException(nameof(message));
}
