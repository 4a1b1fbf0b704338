using HubApp.Contracts;

namespace HubApp.Client;

// The hub methods of docs/protocol.md. Each throws InvalidOperationException when not Connected and
// ChatException when the server refuses it.
public sealed partial class ChatClient
{
    /// <summary>
    /// Joins <paramref name="room"/> with one JoinRoom invocation and returns the server's snapshot as is.
    /// From then on <see cref="MessageReceived"/> raises only the room's messages newer than the snapshot
    /// (and than <paramref name="sinceId"/>). When the snapshot is not complete, call again with its last id:
    /// until then live messages are left to that call, so nothing is lost, doubled or reordered.
    /// </summary>
    public async Task<RoomSnapshot> JoinRoomAsync(string room, long? sinceId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        EnsureConnected();
        var key = RoomKey(room);
        var tracker = BeginJoin(key);
        RoomSnapshot snapshot;
        try
        {
            snapshot = await InvokeCoreAsync<RoomSnapshot>(HubMethods.JoinRoom, [room, sinceId], ct).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                Deliver(tracker.FailJoin());
                RepairIfNeeded(key, tracker);
                ForgetIfIdle(key, tracker);
            }

            throw;
        }

        lock (_gate)
        {
            Deliver(tracker.EndJoin(sinceId, snapshot));
            RepairIfNeeded(key, tracker);
        }

        return snapshot;
    }

    /// <summary>Leaves <paramref name="room"/> and stops tracking it, also if the invocation fails.</summary>
    public async Task LeaveRoomAsync(string room, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        EnsureConnected();
        var key = RoomKey(room);
        lock (_gate)
        {
            if (_rooms.TryGetValue(key, out var tracker))
            {
                tracker.Leave();
                ForgetIfIdle(key, tracker);
            }
        }

        await InvokeCoreAsync(HubMethods.LeaveRoom, [room], ct).ConfigureAwait(false);
    }

    /// <summary>
    /// One PostMessage invocation, not retried (<see cref="SendMessageAsync"/> is the retrying outbox): a repeat with the
    /// same <paramref name="clientMessageId"/> (1–64 letters, digits, '_' or '-'; make one per message and keep it across
    /// retries) returns the message stored first.
    /// </summary>
    public Task<ChatMessage> PostMessageAsync(string room, string text, string? clientMessageId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(text);
        EnsureConnected();
        return InvokeCoreAsync<ChatMessage>(HubMethods.PostMessage, [room, text, clientMessageId], ct);
    }

    public Task TypingAsync(string room, bool isTyping, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        EnsureConnected();
        return InvokeCoreAsync(HubMethods.Typing, [room, isTyping], ct);
    }

    /// <summary>As <see cref="PostMessageAsync"/>, for a direct message: a repeat to the same user returns the first one.</summary>
    public Task<DirectMessage> PostDirectMessageAsync(string userId, string text, string? clientMessageId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(text);
        EnsureConnected();
        return InvokeCoreAsync<DirectMessage>(HubMethods.PostDirectMessage, [userId, text, clientMessageId], ct);
    }

    /// <summary>Scroll-back: the <paramref name="limit"/> messages before <paramref name="beforeId"/>, ascending. Not raised as events.</summary>
    public async Task<IReadOnlyList<ChatMessage>> GetHistoryAsync(string room, long? beforeId, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        EnsureConnected();
        return await InvokeCoreAsync<ChatMessage[]>(HubMethods.GetHistory, [room, beforeId, limit], ct).ConfigureAwait(false);
    }

    /// <summary>Returns the server's "pong".</summary>
    public Task<string> PingAsync(CancellationToken ct = default)
    {
        EnsureConnected();
        return InvokeCoreAsync<string>(HubMethods.Ping, [], ct);
    }
}
