using System.Collections.Concurrent;
using HubApp.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Client.Tests.TestHost;

/// <summary>
/// The scriptable state behind <see cref="FakeChatHub"/>: tests put messages in a room's history
/// only, or also send them live, and read what the server saw (tokens, joins).
/// </summary>
public sealed class FakeChatServer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ChatMessage>> _history = [];
    private readonly List<DirectMessage> _direct = [];
    private readonly HashSet<(string Room, long Id, string Emoji)> _reactions = [];
    private long _lastDirectId;
    private IHubContext<FakeChatHub, IChatClient>? _hub;
    private RecordingLifetimeManager? _lifetime;

    public int JoinCount { get; set; } = 50;

    public int MaxCatchUp { get; set; } = 500;

    /// <summary>When set, every hub request (negotiate, connect) is answered with this status instead.</summary>
    public int? RejectStatus { get; set; }

    /// <summary>When set, WebSocket upgrades carrying this Origin are answered 403 (other transports are not).</summary>
    public string? RejectWebSocketsFrom { get; set; }

    /// <summary>Runs inside JoinRoom after the snapshot was taken, before it is returned.</summary>
    public Func<string, long?, Task>? AfterSnapshot { get; set; }

    /// <summary>Runs inside PostMessage and PostDirectMessage before anything is stored (with the clientMessageId); may throw a refusal.</summary>
    public Func<string?, Task>? BeforePost { get; set; }

    /// <summary>Runs inside PostMessage and PostDirectMessage after the message was stored and sent, before it is returned.</summary>
    public Func<string?, Task>? AfterPostStored { get; set; }

    /// <summary>Runs inside SyncDirectMessages after the page was taken, before it is returned.</summary>
    public Func<long?, Task>? AfterSync { get; set; }

    /// <summary>Every PostMessage and PostDirectMessage invocation: the method and the clientMessageId, in order.</summary>
    public ConcurrentQueue<(string Method, string? ClientMessageId)> Posts { get; } = new();

    /// <summary>Every SyncDirectMessages invocation's sinceId, in order.</summary>
    public ConcurrentQueue<long?> Syncs { get; } = new();

    /// <summary>Every request to the hub's path (negotiate, WebSocket upgrade, SSE, long polling), in order.</summary>
    public ConcurrentQueue<HubRequest> Requests { get; } = new();

    /// <summary>The negotiate requests: one per connect, reconnects included.</summary>
    public IReadOnlyList<HubRequest> Negotiates => [.. Requests.Where(r => r.Negotiate)];

    public ConcurrentQueue<(string Room, long? SinceId)> Joins { get; } = new();

    public ConcurrentDictionary<string, HubCallerContext> Connections { get; } = new();

    /// <summary>The upload and download endpoints; a draft's attachmentIds name what was uploaded here.</summary>
    public FakeAttachments Attachments { get; } = new();

    public static async Task<(TestServer Host, FakeChatServer Chat)> StartAsync()
    {
        var chat = new FakeChatServer();
        var host = await TestServer.StartAsync(
            services => services.AddSingleton(chat).AddSingleton<HubLifetimeManager<FakeChatHub>, RecordingLifetimeManager>(),
            app =>
            {
                app.Use(async (context, next) =>
                {
                    if (context.Request.Path.StartsWithSegments(HubMethods.Path))
                    {
                        chat.Requests.Enqueue(HubRequest.From(context));
                        if (chat.RejectStatus is { } status)
                        {
                            context.Response.StatusCode = status;
                            return;
                        }

                        if (chat.Requests.Last().WebSocket && chat.RejectWebSocketsFrom is { } origin && context.Request.Headers.Origin == origin)
                        {
                            context.Response.StatusCode = StatusCodes.Status403Forbidden;
                            return;
                        }
                    }

                    await next(context);
                });
                app.MapHub<FakeChatHub>(HubMethods.Path);
                chat.Attachments.Map(app);
            });
        chat._hub = host.Services.GetRequiredService<IHubContext<FakeChatHub, IChatClient>>();
        chat._lifetime = (RecordingLifetimeManager)host.Services.GetRequiredService<HubLifetimeManager<FakeChatHub>>();
        return (host, chat);
    }

    /// <summary>Stores a message in the room's history without sending it; ids are consecutive within a room, as in the contract.</summary>
    public ChatMessage Append(string room, string text, string? clientMessageId = null, string kind = MessageKinds.Message, long? targetId = null, Draft? draft = null)
    {
        lock (_gate)
        {
            if (!_history.TryGetValue(room, out var messages))
            {
                _history[room] = messages = [];
            }

            if (clientMessageId is not null && messages.Find(m => m.ClientMessageId == clientMessageId) is { } earlier)
            {
                return earlier;
            }

            var message = new ChatMessage(messages.Count + 1, room, "u1", "alice", text, DateTime.UtcNow, kind, targetId, clientMessageId)
            {
                ReplyToId = draft?.ReplyToId,
                ThreadId = draft?.ThreadId,
                Attachments = draft?.AttachmentIds?.Select(id => Attachments.Find(id) ?? throw new HubException($"{ErrorCodes.NotFound}: no upload '{id}'.")).ToList(),
            };
            messages.Add(message);
            return message;
        }
    }

    /// <summary>Stores a direct message without sending it; a repeated clientMessageId returns the first one.</summary>
    public DirectMessage AppendDirect(string toUserId, string text, string? clientMessageId = null)
    {
        lock (_gate)
        {
            if (clientMessageId is not null && _direct.Find(m => m.ClientMessageId == clientMessageId) is { } earlier)
            {
                return earlier;
            }

            // Strictly increasing, not consecutive, as the contract allows.
            _lastDirectId += 2;
            var message = new DirectMessage(_lastDirectId, "u1", "alice", toUserId, text, DateTime.UtcNow, clientMessageId);
            _direct.Add(message);
            return message;
        }
    }

    /// <summary>
    /// Adds or removes the fake user's reaction; appends a react or unreact entry only when that changes something, as
    /// the contract says. Returns the entry, or null for no change.
    /// </summary>
    public ChatMessage? React(string room, long messageId, string emoji, bool add)
    {
        lock (_gate)
        {
            if (!(add ? _reactions.Add((room, messageId, emoji)) : _reactions.Remove((room, messageId, emoji))))
            {
                return null;
            }
        }

        return Append(room, emoji, null, add ? MessageKinds.React : MessageKinds.Unreact, messageId);
    }

    /// <summary>Sends <c>Mentioned</c> to every connection (the fake has no users).</summary>
    public Task MentionAsync(ChatMessage message) => _hub!.Clients.All.Mentioned(message);

    /// <summary>Sends a presence batch to every connection, whatever it asked for (the fake has no presence).</summary>
    public Task PresenceChangedAsync(PresenceBatch batch) => _hub!.Clients.All.PresenceChanged(batch);

    /// <summary>Sends a direct message to every connection (the fake has no users).</summary>
    public Task PublishDirectAsync(DirectMessage message) => _hub!.Clients.All.DirectMessageReceived(message);

    public DirectSync SyncDirect(long? sinceId)
    {
        lock (_gate)
        {
            var page = sinceId is { } since ? _direct.Where(m => m.Id > since).Take(MaxCatchUp).ToList() : _direct.TakeLast(JoinCount).ToList();
            return new DirectSync(page, _direct.Count == 0 || (page.Count > 0 ? page[^1].Id == _direct[^1].Id : sinceId >= _direct[^1].Id));
        }
    }

    public IReadOnlyList<DirectMessage> DirectHistory(string userId, long? beforeId, int limit)
    {
        lock (_gate)
        {
            return [.. _direct.Where(m => m.ToUserId == userId && (beforeId is null || m.Id < beforeId)).TakeLast(limit)];
        }
    }

    /// <summary>Sends a message to the room's connections (again, if it was sent before).</summary>
    public Task PublishAsync(ChatMessage message) => _hub!.Clients.Group(message.Room).MessageReceived(message);

    public async Task<ChatMessage> AppendAndPublishAsync(string room, string text)
    {
        var message = Append(room, text);
        await PublishAsync(message);
        return message;
    }

    public RoomSnapshot Snapshot(string room, long? sinceId)
    {
        lock (_gate)
        {
            var all = _history.TryGetValue(room, out var messages) ? messages : [];
            var page = sinceId is { } since
                ? all.Where(m => m.Id > since).Take(MaxCatchUp).ToList()
                : all.TakeLast(JoinCount).ToList();
            var complete = all.Count == 0 || (page.Count > 0 ? page[^1].Id == all[^1].Id : sinceId >= all[^1].Id);
            return new RoomSnapshot(room, [new Member("u1", "alice")], page, complete);
        }
    }

    /// <summary>
    /// Ends every connection with a close message, as the server does for a connection whose token expired
    /// (<paramref name="allowReconnect"/> false: SignalR's automatic reconnect does not follow it).
    /// </summary>
    public async Task CloseAllAsync(string error, bool allowReconnect)
    {
        foreach (var connection in _lifetime!.Open.Values)
        {
            await connection.WriteAsync(new CloseMessage(error, allowReconnect));
            connection.Abort();
        }
    }

    /// <summary>Drops every connection from the server side, as a crash or a network failure would.</summary>
    public void AbortAll()
    {
        foreach (var context in Connections.Values)
        {
            context.Abort();
        }
    }
}
