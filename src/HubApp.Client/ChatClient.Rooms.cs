using HubApp.Client.Internal;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace HubApp.Client;

// Server events and the per-room bookkeeping that keeps MessageReceived exactly-once and in order.
public sealed partial class ChatClient
{
    /// <summary>A message of a joined room that the app has not seen yet; never raised twice for one id.</summary>
    public event Func<ChatMessage, Task>? MessageReceived;

    public event Func<PresenceEvent, Task>? UserJoined;

    public event Func<PresenceEvent, Task>? UserLeft;

    public event Func<TypingEvent, Task>? UserTyping;

    /// <summary>A copy, per joined room (lowercase), of the newest message id delivered to the app; 0 for none yet.</summary>
    public IReadOnlyDictionary<string, long> LastSeenIds
    {
        get
        {
            lock (_gate)
            {
                return _rooms.Where(r => r.Value.Joined).ToDictionary(r => r.Key, r => r.Value.LastSeen, StringComparer.Ordinal);
            }
        }
    }

    // Room names are ASCII by contract, so lowercasing here matches the server's.
    private static string RoomKey(string room) => room.ToLowerInvariant();

    private void RegisterServerEvents()
    {
        // These run on HubConnection's receive loop: they only update state and queue handlers.
        _hub.On<ChatMessage>(nameof(IChatClient.MessageReceived), OnMessageReceived);
        _hub.On<PresenceEvent>(nameof(IChatClient.UserJoined), e => _events.Raise(UserJoined, e, nameof(UserJoined)));
        _hub.On<PresenceEvent>(nameof(IChatClient.UserLeft), e => _events.Raise(UserLeft, e, nameof(UserLeft)));
        _hub.On<PresenceBatch>(nameof(IChatClient.PresenceChanged), OnPresenceChanged);
        _hub.On<TypingEvent>(nameof(IChatClient.UserTyping), e => _events.Raise(UserTyping, e, nameof(UserTyping)));
        _hub.On<DirectMessage>(nameof(IChatClient.DirectMessageReceived), OnDirectMessageReceived);
        _hub.On<ReadMarker>(nameof(IChatClient.ReadMarkerMoved), e => _events.Raise(ReadMarkerMoved, e, nameof(ReadMarkerMoved)));
        RegisterRoomAdminEvents();
        RegisterMyRoomsEvents();
        RegisterThreadEvents();
    }

    // Leaves first: a batch names each user once, so the order within it says nothing, and a list that is shown between the
    // handlers is then never longer than before and after.
    private void OnPresenceChanged(PresenceBatch batch)
    {
        foreach (var member in batch.Left)
        {
            _events.Raise(UserLeft, new PresenceEvent(batch.Room, member.UserId, member.UserName, batch.At), nameof(UserLeft));
        }

        foreach (var member in batch.Joined)
        {
            _events.Raise(UserJoined, new PresenceEvent(batch.Room, member.UserId, member.UserName, batch.At), nameof(UserJoined));
        }
    }

    private void OnMessageReceived(ChatMessage message)
    {
        lock (_gate)
        {
            var key = RoomKey(message.Room);
            if (_rooms.TryGetValue(key, out var tracker))
            {
                Deliver(tracker.Live(message));
                RepairIfNeeded(key, tracker);
            }
            else
            {
                Log.MessageForUntrackedRoom(_logger, message.Room, message.Id);
            }
        }
    }

    private RoomTracker BeginJoin(string key)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(key, out var tracker))
            {
                tracker = new RoomTracker();
                _rooms.Add(key, tracker);
            }

            tracker.BeginJoin();
            return tracker;
        }
    }

    // Call under _gate: queuing under the lock is what keeps the order across threads.
    private void Deliver(IReadOnlyList<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            _events.Raise(MessageReceived, message, nameof(MessageReceived));
        }
    }

    // Call under _gate.
    private void ForgetIfIdle(string key, RoomTracker tracker)
    {
        if (tracker.Idle && _rooms.TryGetValue(key, out var current) && current == tracker)
        {
            _rooms.Remove(key);
        }
    }
}
