using System.Collections.Immutable;
using System.Threading.Channels;
using HubApp.Contracts;
using HubApp.Presence;

namespace HubApp.Rooms;

/// <summary>
/// A room's entries as this node hands them to its hub members, for readers here that hold no hub connection (the event
/// stream): the delivery that sends a room's entries to its group (<c>LocalMessageDelivery</c> alone,
/// <c>RoomLogSequencer</c> with a backplane) also <see cref="Publish"/>es them here, in id order, and the room changes
/// that take connections out of a room end the subscriptions of the same readers (<see cref="Apply"/>), before the room's
/// next entry is handed out.
/// </summary>
/// <remarks>
/// Publishing never waits: each subscription has a bounded buffer, and an entry that finds it full is dropped and the
/// subscription marked overflowed (<see cref="RoomLogSubscription.TakeOverflowed"/>), so that its reader reads what it missed from the
/// store (the truth; ids are consecutive per room). Called concurrently; the subscriber lists are copied on write.
/// </remarks>
internal sealed class RoomLogFeed
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, ImmutableArray<RoomLogSubscription>> _rooms =
        ImmutableDictionary.Create<string, ImmutableArray<RoomLogSubscription>>(StringComparer.Ordinal);

    /// <summary>Follows <paramref name="room"/> for <paramref name="caller"/> until the subscription is disposed or ended.</summary>
    public RoomLogSubscription Subscribe(string room, ChatCaller caller, int capacity)
    {
        var subscription = new RoomLogSubscription(this, room, caller, capacity);
        lock (_gate)
        {
            _rooms = _rooms.SetItem(room, _rooms.GetValueOrDefault(room, []).Add(subscription));
        }

        return subscription;
    }

    /// <summary>Whether anyone here follows <paramref name="room"/> (a tracker keeps such a room, as one with members).</summary>
    public bool HasSubscribers(string room) => _rooms.ContainsKey(room);

    /// <summary>An entry of a room, in id order per room; never waits.</summary>
    public void Publish(ChatMessage entry)
    {
        if (_rooms.TryGetValue(entry.Room, out var subscriptions))
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Offer(entry);
            }
        }
    }

    /// <summary>
    /// Ends the subscriptions of the readers <paramref name="change"/> takes out of the room (those of its user, or with
    /// <see cref="RoomChange.OnlyReaders"/> all but those listed and admins), as <see cref="RoomService.RemoveHereAsync"/>
    /// takes out connections; any other change has the room's readers decide their rights afresh.
    /// </summary>
    public void Apply(RoomChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!_rooms.TryGetValue(change.Room, out var subscriptions))
        {
            return;
        }

        foreach (var subscription in subscriptions)
        {
            var caller = subscription.Caller;
            var removed = change.Removal is not null && (change.OnlyReaders is { } readers
                ? !caller.IsAdmin && !readers.Contains(caller.UserId, StringComparer.Ordinal)
                : change.UserId == caller.UserId);
            if (removed)
            {
                subscription.End(RoomLogSubscription.Removed);
            }
            else
            {
                subscription.RightsMayHaveChanged();
            }
        }
    }

    internal void Remove(RoomLogSubscription subscription)
    {
        lock (_gate)
        {
            if (_rooms.TryGetValue(subscription.Room, out var subscriptions))
            {
                var left = subscriptions.Remove(subscription);
                _rooms = left.IsEmpty ? _rooms.Remove(subscription.Room) : _rooms.SetItem(subscription.Room, left);
            }
        }
    }
}

/// <summary>One reader's follow of a room's log (<see cref="RoomLogFeed.Subscribe"/>); disposing it lets go.</summary>
internal sealed class RoomLogSubscription : IDisposable
{
    /// <summary>The <see cref="EndReason"/> of a reader a room change took out of the room.</summary>
    public const string Removed = "removed";

    private readonly RoomLogFeed _feed;
    private readonly Channel<ChatMessage> _entries;
    private readonly CancellationTokenSource _ended = new();
    private string? _endReason;
    private int _overflowed;
    private int _rightsChanged;

    internal RoomLogSubscription(RoomLogFeed feed, string room, ChatCaller caller, int capacity)
    {
        _feed = feed;
        Room = room;
        Caller = caller;
        _entries = Channel.CreateBounded<ChatMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Room { get; }

    public ChatCaller Caller { get; }

    /// <summary>The room's entries since the subscription began, in id order, but for those dropped by a full buffer.</summary>
    public ChannelReader<ChatMessage> Entries => _entries.Reader;

    /// <summary>Cancelled once the subscription is ended (<see cref="EndReason"/>).</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Why the subscription ended (<see cref="Removed"/>, or the reader's own reason), or null while it runs.</summary>
    public string? EndReason => Volatile.Read(ref _endReason);

    /// <summary>True once, after entries were dropped for a full buffer: the reader reads the rest from the store.</summary>
    public bool TakeOverflowed() => Interlocked.Exchange(ref _overflowed, 0) == 1;

    /// <summary>True once, after a change of the room that may have taken the reader's right to read it.</summary>
    public bool TakeRightsChanged() => Interlocked.Exchange(ref _rightsChanged, 0) == 1;

    /// <summary>Ends the subscription: its entries complete and <see cref="Ended"/> is cancelled (its callbacks run elsewhere).</summary>
    public void End(string reason)
    {
        if (Interlocked.CompareExchange(ref _endReason, reason, null) is null)
        {
            _entries.Writer.TryComplete();
            _ = _ended.CancelAsync();
        }
    }

    public void Dispose()
    {
        _feed.Remove(this);
        End("disposed");
    }

    internal void Offer(ChatMessage entry)
    {
        if (!_entries.Writer.TryWrite(entry) && EndReason is null)
        {
            Volatile.Write(ref _overflowed, 1);
        }
    }

    internal void RightsMayHaveChanged() => Volatile.Write(ref _rightsChanged, 1);
}
