namespace HubApp.Contracts;

/// <summary>The events the server sends to clients (shared/contract.md, "Client events").</summary>
public interface IChatClient
{
    Task MessageReceived(ChatMessage message);

    Task UserJoined(PresenceEvent presence);

    Task UserLeft(PresenceEvent presence);

    Task UserTyping(TypingEvent typing);

    Task DirectMessageReceived(DirectMessage message);
}
