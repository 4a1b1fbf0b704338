using HubApp.Auth;
using HubApp.Contracts;
using HubApp.DirectMessages;
using HubApp.History;
using HubApp.Messaging;
using HubApp.Presence;
using HubApp.ReadState;
using HubApp.Rooms;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Hubs;

/// <summary>
/// The chat hub of shared/contract.md. Transient, like every hub: it only maps calls onto the
/// singleton services that hold state. Identity comes from the token, never from an argument.
/// </summary>
[Authorize]
internal sealed class ChatHub(
    RoomService rooms,
    MessageService messages,
    MessageEditService edits,
    HistoryService history,
    DirectHistoryService direct,
    ReadStateService readState,
    PresenceTracker presence,
    IOptions<AuthOptions> auth) : Hub<IChatClient>
{
    private ChatCaller Caller => ChatCaller.From(Context.ConnectionId, Context.User, auth.Value.AdminRole);

    public override Task OnConnectedAsync() => rooms.ConnectAsync(Caller, Context.ConnectionAborted);

    public override Task OnDisconnectedAsync(Exception? exception) => rooms.DisconnectAsync(Caller);

    public Task<RoomSnapshot> JoinRoom(string room, long? sinceId) => rooms.JoinAsync(Caller, room, sinceId, Context.ConnectionAborted);

    public Task LeaveRoom(string room) => rooms.LeaveAsync(Caller, room);

    public Task<ChatMessage> SendMessage(string room, string text) => PostMessage(room, text, null);

    public Task<ChatMessage> PostMessage(string room, string text, string? clientMessageId) =>
        messages.SendAsync(Caller, room, text, clientMessageId, Context.ConnectionAborted);

    public Task<ChatMessage> EditMessage(string room, long messageId, string text) =>
        edits.EditAsync(Caller, room, messageId, text, Context.ConnectionAborted);

    public Task<ChatMessage> DeleteMessage(string room, long messageId) => edits.DeleteAsync(Caller, room, messageId, Context.ConnectionAborted);

    public void Typing(string room, bool isTyping) => messages.Typing(Caller, room, isTyping);

    public Task<DirectMessage> SendDirectMessage(string userId, string text) => PostDirectMessage(userId, text, null);

    public Task<DirectMessage> PostDirectMessage(string userId, string text, string? clientMessageId) =>
        messages.SendDirectAsync(Caller, userId, text, clientMessageId, Context.ConnectionAborted);

    public Task<IReadOnlyList<ChatMessage>> GetHistory(string room, long? beforeId, int limit) =>
        history.BeforeAsync(presence.RequireJoined(Caller, room), beforeId, limit, Context.ConnectionAborted);

    public Task<IReadOnlyList<DirectMessage>> GetDirectHistory(string userId, long? beforeId, int limit) =>
        direct.BeforeAsync(Caller, userId, beforeId, limit, Context.ConnectionAborted);

    public Task<DirectSync> SyncDirectMessages(long? sinceId) => direct.SyncAsync(Caller, sinceId, Context.ConnectionAborted);

    public Task<IReadOnlyList<Conversation>> GetConversations() => direct.ConversationsAsync(Caller, Context.ConnectionAborted);

    public Task MarkRead(string room, long messageId) => readState.MarkReadAsync(Caller, room, messageId, Context.ConnectionAborted);

    public Task MarkDirectRead(string userId, long messageId) => readState.MarkDirectReadAsync(Caller, userId, messageId, Context.ConnectionAborted);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "SignalR invokes instance methods only.")]
    public string Ping() => "pong";
}
