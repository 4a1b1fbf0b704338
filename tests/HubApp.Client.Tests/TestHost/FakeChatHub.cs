using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Client.Tests.TestHost;

/// <summary>
/// Just enough of the contract's hub for the client: rooms, history with a catch-up cap, and the
/// "code: text" errors. Its state lives in <see cref="FakeChatServer"/>, which tests script.
/// </summary>
public sealed class FakeChatHub(FakeChatServer server) : Hub<IChatClient>
{
    public override Task OnConnectedAsync()
    {
        server.Connections[Context.ConnectionId] = Context;
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        server.Connections.TryRemove(Context.ConnectionId, out _);
        return Task.CompletedTask;
    }

    public async Task<RoomSnapshot> JoinRoom(string room, long? sinceId)
    {
        var name = room.ToLowerInvariant();
        server.Joins.Enqueue((name, sinceId));
        await Groups.AddToGroupAsync(Context.ConnectionId, name);
        Context.Items[name] = true;
        var snapshot = server.Snapshot(name, sinceId);
        if (server.AfterSnapshot is { } hook)
        {
            await hook(name, sinceId);
        }

        return snapshot;
    }

    public async Task LeaveRoom(string room)
    {
        var name = room.ToLowerInvariant();
        Context.Items.Remove(name);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, name);
    }

    public async Task<ChatMessage> SendMessage(string room, string text)
    {
        var name = room.ToLowerInvariant();
        if (!Context.Items.ContainsKey(name))
        {
            throw new HubException($"{ErrorCodes.NotInRoom}: join '{name}' before sending to it.");
        }

        var message = server.Append(name, text);
        await Clients.Group(name).MessageReceived(message);
        return message;
    }

    /// <summary>An edit or delete entry of any id below the room's next: the fake keeps no targets, only the log.</summary>
    public Task<ChatMessage> EditMessage(string room, long messageId, string text) => AppendChangeAsync(room, messageId, MessageKinds.Edit, text);

    public Task<ChatMessage> DeleteMessage(string room, long messageId) => AppendChangeAsync(room, messageId, MessageKinds.Delete, string.Empty);

    public Task<ChatMessage> PostMessage(string room, string text, string? clientMessageId) => PostAsync(nameof(PostMessage), room, new Draft(text, clientMessageId));

    /// <summary>The draft's reply and thread are stored as given: the fake checks neither.</summary>
    public Task<ChatMessage> Post(string room, Draft draft) => PostAsync(nameof(Post), room, draft);

    /// <summary>A react or unreact entry when it changes the fake user's reactions; the target as stored (without reactions: the fake keeps none).</summary>
    public async Task<ChatMessage> React(string room, long messageId, string emoji, bool add)
    {
        var name = room.ToLowerInvariant();
        server.Posts.Enqueue((nameof(React), null));
        if (server.BeforePost is { } before)
        {
            await before(null);
        }

        var target = (server.Snapshot(name, messageId - 1).Messages is [var first, ..] ? first : null)
            ?? throw new HubException($"{ErrorCodes.NotFound}: '{name}' has no message {messageId}.");
        if (server.React(name, messageId, emoji, add) is { } entry)
        {
            await Clients.Group(name).MessageReceived(entry);
        }

        if (server.AfterPostStored is { } after)
        {
            await after(null);
        }

        return target;
    }

    /// <summary>An edit entry of any earlier direct message (the fake checks no author), sent to the caller.</summary>
    public async Task<DirectMessage> EditDirectMessage(long messageId, string text)
    {
        server.Posts.Enqueue((nameof(EditDirectMessage), null));
        if (server.BeforePost is { } before)
        {
            await before(null);
        }

        var entry = server.AppendDirect("bob", text) with { Kind = MessageKinds.Edit, TargetId = messageId };
        await Clients.Caller.DirectMessageReceived(entry);
        if (server.AfterPostStored is { } after)
        {
            await after(null);
        }

        return entry;
    }

    private async Task<ChatMessage> PostAsync(string method, string room, Draft draft)
    {
        var (text, clientMessageId) = (draft.Text, draft.ClientMessageId);
        var name = room.ToLowerInvariant();
        server.Posts.Enqueue((method, clientMessageId));
        if (!Context.Items.ContainsKey(name))
        {
            throw new HubException($"{ErrorCodes.NotInRoom}: join '{name}' before sending to it.");
        }

        if (server.BeforePost is { } before)
        {
            await before(clientMessageId);
        }

        var message = server.Append(name, text, clientMessageId, draft: draft);
        await Clients.Group(name).MessageReceived(message);
        if (server.AfterPostStored is { } after)
        {
            await after(clientMessageId);
        }

        return message;
    }

    public async Task<DirectMessage> PostDirectMessage(string userId, string text, string? clientMessageId)
    {
        server.Posts.Enqueue((nameof(PostDirectMessage), clientMessageId));
        if (server.BeforePost is { } before)
        {
            await before(clientMessageId);
        }

        var message = server.AppendDirect(userId, text, clientMessageId);
        await Clients.Caller.DirectMessageReceived(message);
        if (server.AfterPostStored is { } after)
        {
            await after(clientMessageId);
        }

        return message;
    }

    public async Task<DirectSync> SyncDirectMessages(long? sinceId)
    {
        server.Syncs.Enqueue(sinceId);
        var page = server.SyncDirect(sinceId);
        if (server.AfterSync is { } hook)
        {
            await hook(sinceId);
        }

        return page;
    }

    public IReadOnlyList<DirectMessage> GetDirectHistory(string userId, long? beforeId, int limit) => server.DirectHistory(userId, beforeId, limit);

    public IReadOnlyList<Conversation> GetConversations() =>
        [.. server.DirectHistory("bob", null, 1).Select(m => new Conversation("bob", "bob", m, 0, 1))];

    // The fake has no users: the caller's other connections are every other connection.
    public Task MarkRead(string room, long messageId) => Clients.Others.ReadMarkerMoved(new ReadMarker(room.ToLowerInvariant(), null, messageId));

    public Task MarkDirectRead(string userId, long messageId) => Clients.Others.ReadMarkerMoved(new ReadMarker(null, userId, messageId));

#pragma warning disable CA1822 // SignalR dispatches only to instance methods.
    public string Ping() => "pong";

    private async Task<ChatMessage> AppendChangeAsync(string room, long messageId, string kind, string text)
    {
        var name = room.ToLowerInvariant();
        if (messageId < 1 || messageId > server.Snapshot(name, 0).Messages.Count)
        {
            throw new HubException($"{ErrorCodes.NotFound}: '{name}' has no message {messageId}.");
        }

        var entry = server.Append(name, text, null, kind, messageId);
        await Clients.Group(name).MessageReceived(entry);
        return entry;
    }
#pragma warning restore CA1822
}
