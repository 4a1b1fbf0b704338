namespace HubApp.Contracts;

/// <summary>The events the server sends to clients (shared/contract.md, "Client events").</summary>
public interface IChatClient
{
    Task MessageReceived(ChatMessage message);

    Task UserJoined(PresenceEvent presence);

    Task UserLeft(PresenceEvent presence);

    Task UserTyping(TypingEvent typing);

    Task DirectMessageReceived(DirectMessage message);

    /// <summary>(v2) The user's read marker moved, on another of their connections.</summary>
    Task ReadMarkerMoved(ReadMarker marker);
}
