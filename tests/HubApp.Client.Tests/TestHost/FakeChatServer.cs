using System.Collections.Concurrent;
using HubApp.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
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
    private long _lastId;
    private IHubContext<FakeChatHub, IChatClient>? _hub;

    public int JoinCount { get; set; } = 50;

    public int MaxCatchUp { get; set; } = 500;

    /// <summary>When set, WebSocket upgrades are answered with this status instead.</summary>
    public int? RejectStatus { get; set; }

    /// <summary>Runs inside JoinRoom after the snapshot was taken, before it is returned.</summary>
    public Func<string, long?, Task>? AfterSnapshot { get; set; }

    /// <summary>The raw query string of every upgrade request, in order.</summary>
    public ConcurrentQueue<string> Queries { get; } = new();

    public ConcurrentQueue<string?> Origins { get; } = new();

    public ConcurrentQueue<(string Room, long? SinceId)> Joins { get; } = new();

    public ConcurrentDictionary<string, HubCallerContext> Connections { get; } = new();

    public static async Task<(TestServer Host, FakeChatServer Chat)> StartAsync()
    {
        var chat = new FakeChatServer();
        var host = await TestServer.StartAsync(
            services => services.AddSingleton(chat),
            app =>
            {
                app.Use(async (context, next) =>
                {
                    if (context.Request.Path.StartsWithSegments(HubMethods.Path))
                    {
                        chat.Queries.Enqueue(context.Request.QueryString.Value ?? "");
                        chat.Origins.Enqueue(context.Request.Headers.Origin.FirstOrDefault());
                        if (chat.RejectStatus is { } status)
                        {
                            context.Response.StatusCode = status;
                            return;
                        }
                    }

                    await next(context);
                });
                app.MapHub<FakeChatHub>(HubMethods.Path);
            });
        chat._hub = host.Services.GetRequiredService<IHubContext<FakeChatHub, IChatClient>>();
        return (host, chat);
    }

    /// <summary>Stores a message in the room's history without sending it.</summary>
    public ChatMessage Append(string room, string text)
    {
        lock (_gate)
        {
            var message = new ChatMessage(++_lastId, room, "u1", "alice", text, DateTime.UtcNow);
            if (!_history.TryGetValue(room, out var messages))
            {
                _history[room] = messages = [];
            }

            messages.Add(message);
            return message;
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

    /// <summary>Drops every connection from the server side, as a crash or a network failure would.</summary>
    public void AbortAll()
    {
        foreach (var context in Connections.Values)
        {
            context.Abort();
        }
    }
}
