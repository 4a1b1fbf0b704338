namespace HubApp.Contracts;

/// <summary>The hub's path and method names, so that clients never spell them by hand.</summary>
public static class HubMethods
{
    public const string Path = "/hubs/chat";
    public const string JoinRoom = nameof(JoinRoom);
    public const string LeaveRoom = nameof(LeaveRoom);
    public const string SendMessage = nameof(SendMessage);
    public const string PostMessage = nameof(PostMessage);
    public const string Typing = nameof(Typing);
    public const string SendDirectMessage = nameof(SendDirectMessage);
    public const string PostDirectMessage = nameof(PostDirectMessage);
    public const string GetHistory = nameof(GetHistory);
    public const string GetDirectHistory = nameof(GetDirectHistory);
    public const string SyncDirectMessages = nameof(SyncDirectMessages);
    public const string GetConversations = nameof(GetConversations);
    public const string MarkRead = nameof(MarkRead);
    public const string MarkDirectRead = nameof(MarkDirectRead);
    public const string Ping = nameof(Ping);
}
