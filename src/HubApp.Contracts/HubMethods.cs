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
    public const string EditMessage = nameof(EditMessage);
    public const string DeleteMessage = nameof(DeleteMessage);
    public const string ListRooms = nameof(ListRooms);
    public const string CreateRoom = nameof(CreateRoom);
    public const string GetRoomInfo = nameof(GetRoomInfo);
    public const string UpdateRoom = nameof(UpdateRoom);
    public const string InviteToRoom = nameof(InviteToRoom);
    public const string SetRole = nameof(SetRole);
    public const string KickFromRoom = nameof(KickFromRoom);
    public const string BanFromRoom = nameof(BanFromRoom);
    public const string UnbanFromRoom = nameof(UnbanFromRoom);
    public const string MuteInRoom = nameof(MuteInRoom);
    public const string UnmuteInRoom = nameof(UnmuteInRoom);
    public const string LeaveRoomForGood = nameof(LeaveRoomForGood);
    public const string GetMyRooms = nameof(GetMyRooms);
    public const string GetBans = nameof(GetBans);
    public const string React = nameof(React);
    public const string ReactDirect = nameof(ReactDirect);
    public const string PostDirect = nameof(PostDirect);
    public const string EditDirectMessage = nameof(EditDirectMessage);
    public const string DeleteDirectMessage = nameof(DeleteDirectMessage);
    public const string Post = nameof(Post);
    public const string GetThread = nameof(GetThread);
    public const string GetMessages = nameof(GetMessages);
    public const string SearchMessages = nameof(SearchMessages);
    public const string SearchDirectMessages = nameof(SearchDirectMessages);
    public const string Ping = nameof(Ping);
}
