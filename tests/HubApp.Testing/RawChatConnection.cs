using HubApp.Contracts;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Testing;

/// <summary>
/// The official SignalR client on one node, for the hub methods and events that HubApp.Client does not wrap (yet): the
/// direct-message reads and read markers, and v3's replies, threads and mentions. JSON, or MessagePack when asked. Every
/// call is bounded by <see cref="TestTimeouts.Default"/>.
/// </summary>
public sealed class RawChatConnection : IAsyncDisposable
{
    private readonly HubConnection _hub;

    private RawChatConnection(HubConnection hub)
    {
        _hub = hub;
        hub.On<ReadMarker>(nameof(IChatClient.ReadMarkerMoved), Markers.Add);
        hub.On<DirectMessage>(nameof(IChatClient.DirectMessageReceived), Direct.Add);
        hub.On<ChatMessage>(nameof(IChatClient.MessageReceived), Messages.Add);
        hub.On<ChatMessage>(nameof(IChatClient.Mentioned), Mentions.Add);
        hub.On<PresenceEvent>(nameof(IChatClient.UserJoined), Joined.Add);
        hub.On<PresenceEvent>(nameof(IChatClient.UserLeft), Left.Add);
        hub.On<PresenceBatch>(nameof(IChatClient.PresenceChanged), PresenceBatches.Add);
    }

    public Inbox<PresenceEvent> Joined { get; } = new();

    public Inbox<PresenceEvent> Left { get; } = new();

    /// <summary>(v3) What a connection that asked for batched presence gets instead of <see cref="Joined"/> and <see cref="Left"/>.</summary>
    public Inbox<PresenceBatch> PresenceBatches { get; } = new();

    public Inbox<ChatMessage> Messages { get; } = new();

    public Inbox<ChatMessage> Mentions { get; } = new();

    public Inbox<ReadMarker> Markers { get; } = new();

    public Inbox<DirectMessage> Direct { get; } = new();

    /// <summary>
    /// A started connection of <paramref name="userId"/>, on JSON or, with <paramref name="messagePack"/>, on MessagePack;
    /// with <paramref name="batchedPresence"/>, asking for batched presence (<c>?presence=batched</c>).
    /// </summary>
    public static async Task<RawChatConnection> ConnectAsync(Uri baseAddress, string userId, string? userName = null, bool messagePack = false, bool batchedPresence = false)
    {
        var query = batchedPresence ? $"?{PresenceModes.QueryParameter}={PresenceModes.Batched}" : string.Empty;
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, HubMethods.Path + query), HttpTransportType.WebSockets, o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestTokens.Create(userId, userName ?? userId)));
        var hub = (messagePack ? builder.AddMessagePackProtocol() : builder).Build();
        var connection = new RawChatConnection(hub);
        await hub.StartAsync().DefaultTimeout();
        return connection;
    }

    public Task<T> InvokeAsync<T>(string method, params object?[] args) => _hub.InvokeCoreAsync<T>(method, args).DefaultTimeout();

    public Task InvokeAsync(string method, params object?[] args) => _hub.InvokeCoreAsync(method, args).DefaultTimeout();

    public Task<DirectMessage> SendDirectAsync(string userId, string text) => InvokeAsync<DirectMessage>(HubMethods.SendDirectMessage, userId, text);

    public Task<ChatMessage> SendAsync(string room, string text) => InvokeAsync<ChatMessage>(HubMethods.SendMessage, room, text);

    public Task<RoomSnapshot> JoinAsync(string room, long? sinceId = null) => InvokeAsync<RoomSnapshot>(HubMethods.JoinRoom, room, sinceId);

    public Task<DirectMessage[]> DirectHistoryAsync(string userId, long? beforeId, int limit) => InvokeAsync<DirectMessage[]>(HubMethods.GetDirectHistory, userId, beforeId, limit);

    public Task<DirectSync> SyncAsync(long? sinceId) => InvokeAsync<DirectSync>(HubMethods.SyncDirectMessages, sinceId);

    public Task<Conversation[]> ConversationsAsync() => InvokeAsync<Conversation[]>(HubMethods.GetConversations);

    public Task<ChatMessage> PostAsync(string room, Draft draft) => InvokeAsync<ChatMessage>(HubMethods.Post, room, draft);

    public Task<ChatMessage[]> ThreadAsync(string room, long rootId, long? afterId, int limit) => InvokeAsync<ChatMessage[]>(HubMethods.GetThread, room, rootId, afterId, limit);

    public Task<ChatMessage[]> MessagesAsync(string room, params long[] ids) => InvokeAsync<ChatMessage[]>(HubMethods.GetMessages, room, ids);

    public Task<ChatMessage[]> HistoryAsync(string room, long? beforeId, int limit) => InvokeAsync<ChatMessage[]>(HubMethods.GetHistory, room, beforeId, limit);

    public Task MarkReadAsync(string room, long messageId) => InvokeAsync(HubMethods.MarkRead, room, messageId);

    public Task MarkDirectReadAsync(string userId, long messageId) => InvokeAsync(HubMethods.MarkDirectRead, userId, messageId);

    /// <summary>The contract code a refused call carried.</summary>
    public static async Task<string?> RefusalAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(call);
        return ErrorCodes.Find(error.Message);
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();
}
