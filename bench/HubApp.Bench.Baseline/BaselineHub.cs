using System.Collections.Concurrent;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Bench.Baseline;

/// <summary>
/// The docs' chat hub, with method names and shapes of HubApp's contract so that the same client drives
/// both: JoinRoom adds to a group, SendMessage broadcasts to it. Per-room counters give the ids that the
/// client's ordering needs; nothing is stored.
/// </summary>
public sealed class BaselineHub : Hub
{
    private static readonly ConcurrentDictionary<string, StrongBox> Counters = new();

    public async Task<RoomSnapshot> JoinRoom(string room, long? sinceId)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, room);
        return new RoomSnapshot(room, [], [], Complete: true);
    }

    public Task LeaveRoom(string room) => Groups.RemoveFromGroupAsync(Context.ConnectionId, room);

    public async Task<ChatMessage> SendMessage(string room, string text)
    {
        var counter = Counters.GetOrAdd(room, _ => new StrongBox());
        var message = new ChatMessage(Interlocked.Increment(ref counter.Value), room, Context.ConnectionId, "anonymous", text, DateTime.UtcNow);
        await Clients.Group(room).SendAsync("MessageReceived", message);
        return message;
    }

    public string Ping() => "pong";

    private sealed class StrongBox
    {
        public long Value;
    }
}
