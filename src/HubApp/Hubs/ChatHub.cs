using HubApp.Auth;
using HubApp.Contracts;
using HubApp.DirectMessages;
using HubApp.Messaging;
using HubApp.Presence;
using HubApp.ReadState;
using HubApp.Rooms;
using HubApp.Search;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Hubs;

/// <summary>
/// The chat hub of docs/protocol.md. Transient, like every hub: it only maps calls onto the
/// singleton services that hold state. Identity comes from the token, never from an argument.
/// </summary>
[Authorize]
internal sealed class ChatHub(
    RoomService rooms,
    MessageService messages,
    MessageEditService edits,
    DirectLogService directLog,
    DirectHistoryService direct,
    ReadStateService readState,
    RoomDirectory directory,
    RoomModeration moderation,
    UserRoomList roomList,
    RoomReads reads,
    SearchService search,
    IOptions<AuthOptions> auth) : Hub<IChatClient>
{
    // A JoinRoom's hold on the room's presence events (RoomService.JoinAsync). A hub serves one invocation, and SignalR
    // disposes it after writing that invocation's answer: so the held events follow the snapshot.
    private IDisposable? _joinHold;

    private ChatCaller Caller => ConnectionCaller.Of(Context, auth.Value.AdminRole);

    public override Task OnConnectedAsync()
    {
        ConnectedRequest.Release(Context);
        return rooms.ConnectAsync(Caller, Context.ConnectionAborted);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => rooms.DisconnectAsync(Caller);

    public Task<RoomSnapshot> JoinRoom(string room, long? sinceId) => rooms.JoinAsync(Caller, room, sinceId, hold => _joinHold = hold, Context.ConnectionAborted);

    public Task LeaveRoom(string room) => rooms.LeaveAsync(Caller, room);

    public Task<ChatMessage> SendMessage(string room, string text) => PostMessage(room, text, null);

    public Task<ChatMessage> PostMessage(string room, string text, string? clientMessageId) =>
        messages.SendAsync(Caller, room, text, clientMessageId, Context.ConnectionAborted);

    public Task<ChatMessage> Post(string room, Draft draft) => messages.PostDraftAsync(Caller, room, draft, Context.ConnectionAborted);

    public Task<ChatMessage> EditMessage(string room, long messageId, string text) =>
        edits.EditAsync(Caller, room, messageId, text, Context.ConnectionAborted);

    public Task<ChatMessage> DeleteMessage(string room, long messageId) => edits.DeleteAsync(Caller, room, messageId, Context.ConnectionAborted);

    public Task<ChatMessage> React(string room, long messageId, string emoji, bool add) =>
        edits.ReactAsync(Caller, room, messageId, emoji, add, Context.ConnectionAborted);

    public Task Typing(string room, bool isTyping) => messages.TypingAsync(Caller, room, isTyping, Context.ConnectionAborted);

    public Task<DirectMessage> SendDirectMessage(string userId, string text) => PostDirectMessage(userId, text, null);

    public Task<DirectMessage> PostDirectMessage(string userId, string text, string? clientMessageId) =>
        directLog.SendAsync(Caller, userId, text, clientMessageId, Context.ConnectionAborted);

    public Task<DirectMessage> PostDirect(string userId, Draft draft) => directLog.PostAsync(Caller, userId, draft, Context.ConnectionAborted);

    public Task<DirectMessage> EditDirectMessage(long messageId, string text) => directLog.EditAsync(Caller, messageId, text, Context.ConnectionAborted);

    public Task<DirectMessage> DeleteDirectMessage(long messageId) => directLog.DeleteAsync(Caller, messageId, Context.ConnectionAborted);

    public Task<DirectMessage> ReactDirect(string userId, long messageId, string emoji, bool add) =>
        directLog.ReactAsync(Caller, userId, messageId, emoji, add, Context.ConnectionAborted);

    public Task<IReadOnlyList<ChatMessage>> GetHistory(string room, long? beforeId, int limit) =>
        rooms.HistoryAsync(Caller, room, beforeId, limit, Context.ConnectionAborted);

    public Task<IReadOnlyList<ChatMessage>> GetThread(string room, long rootId, long? afterId, int limit) =>
        reads.ThreadAsync(Caller, room, rootId, afterId, limit, Context.ConnectionAborted);

    public Task<IReadOnlyList<ChatMessage>> GetMessages(string room, IReadOnlyList<long> ids) => reads.MessagesAsync(Caller, room, ids, Context.ConnectionAborted);

    public Task<IReadOnlyList<DirectMessage>> GetDirectHistory(string userId, long? beforeId, int limit) =>
        direct.BeforeAsync(Caller, userId, beforeId, limit, Context.ConnectionAborted);

    public Task<DirectSync> SyncDirectMessages(long? sinceId) => direct.SyncAsync(Caller, sinceId, Context.ConnectionAborted);

    public Task<IReadOnlyList<Conversation>> GetConversations() => direct.ConversationsAsync(Caller, Context.ConnectionAborted);

    public Task MarkRead(string room, long messageId) => readState.MarkReadAsync(Caller, room, messageId, Context.ConnectionAborted);

    public Task MarkDirectRead(string userId, long messageId) => readState.MarkDirectReadAsync(Caller, userId, messageId, Context.ConnectionAborted);

    public Task<IReadOnlyList<RoomSummary>> ListRooms(string? query, int limit) => directory.ListAsync(Caller, query, limit, Context.ConnectionAborted);

    public Task<RoomInfo> CreateRoom(string room, string visibility, string? topic) => directory.CreateAsync(Caller, room, visibility, topic, Context.ConnectionAborted);

    public Task<RoomInfo> GetRoomInfo(string room) => directory.InfoAsync(Caller, room, Context.ConnectionAborted);

    public Task<RoomInfo> UpdateRoom(string room, string? topic) => moderation.UpdateAsync(Caller, room, topic, Context.ConnectionAborted);

    public Task InviteToRoom(string room, string userId) => moderation.InviteAsync(Caller, room, userId, Context.ConnectionAborted);

    public Task SetRole(string room, string userId, string role) => moderation.SetRoleAsync(Caller, room, userId, role, Context.ConnectionAborted);

    public Task KickFromRoom(string room, string userId) => moderation.KickAsync(Caller, room, userId, Context.ConnectionAborted);

    public Task BanFromRoom(string room, string userId, string? until) => moderation.BanAsync(Caller, room, userId, until, Context.ConnectionAborted);

    public Task UnbanFromRoom(string room, string userId) => moderation.UnbanAsync(Caller, room, userId, Context.ConnectionAborted);

    public Task MuteInRoom(string room, string userId, string? until) => moderation.MuteAsync(Caller, room, userId, until, Context.ConnectionAborted);

    public Task UnmuteInRoom(string room, string userId) => moderation.UnmuteAsync(Caller, room, userId, Context.ConnectionAborted);

    public Task LeaveRoomForGood(string room) => moderation.LeaveForGoodAsync(Caller, room, Context.ConnectionAborted);

    public Task<IReadOnlyList<MyRoom>> GetMyRooms() => roomList.ListAsync(Caller, Context.ConnectionAborted);

    public Task<IReadOnlyList<RoomBan>> GetBans(string room) => moderation.BansAsync(Caller, room, Context.ConnectionAborted);

    public Task<IReadOnlyList<ChatMessage>> SearchMessages(string query, string? room, long? beforeId, int limit) =>
        search.MessagesAsync(Caller, query, room, beforeId, limit, Context.ConnectionAborted);

    public Task<IReadOnlyList<DirectMessage>> SearchDirectMessages(string query, string? userId, int limit) =>
        search.DirectAsync(Caller, query, userId, limit, Context.ConnectionAborted);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "SignalR invokes instance methods only.")]
    public string Ping() => "pong";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _joinHold?.Dispose();
        }

        base.Dispose(disposing);
    }
}
