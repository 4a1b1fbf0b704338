using HubApp.Contracts;

namespace HubApp.Client.Internal;

/// <summary>
/// Decides which direct messages reach the app, so that it sees each one once: they come live and from the
/// <c>SyncDirectMessages</c> pages after every (re)connect, and the two overlap. Direct message ids strictly increase
/// but skip (they are shared by every conversation), so unlike a room's there is no gap to see: the sync is what
/// finds the missed ones. While a sync is in flight live ones are held and released after it, in id order.
/// Remembers the last <see cref="Remembered"/> ids raised; anything at or below the oldest one it forgot counts as
/// seen. Not thread-safe: its owner calls it under a lock.
/// </summary>
internal sealed class DirectTracker
{
    public const int Remembered = 4096;

    private readonly HashSet<long> _seen = [];
    private readonly Queue<long> _order = new();
    private List<DirectMessage>? _held;
    private int _syncsInFlight;
    private long _forgotten;

    /// <summary>The highest id raised to the app: the next sync's sinceId. Null for none yet.</summary>
    public long? Highest { get; private set; }

    public IReadOnlyList<DirectMessage> Live(DirectMessage message)
    {
        if (_syncsInFlight > 0)
        {
            (_held ??= []).Add(message);
            return [];
        }

        return Accept(message) ? [message] : [];
    }

    public void BeginSync() => _syncsInFlight++;

    /// <summary>Takes one page of a sync; returns its messages the app has not seen, oldest first.</summary>
    public IReadOnlyList<DirectMessage> Synced(DirectSync page) => [.. page.Messages.OrderBy(m => m.Id).Where(Accept)];

    /// <summary>Ends a sync, done or failed; returns the held messages the app has not seen.</summary>
    public IReadOnlyList<DirectMessage> EndSync()
    {
        _syncsInFlight--;
        if (_syncsInFlight > 0 || _held is null)
        {
            return [];
        }

        var held = _held;
        _held = null;
        return [.. held.OrderBy(m => m.Id).Where(Accept)];
    }

    private bool Accept(DirectMessage message)
    {
        if (message.Id <= _forgotten || !_seen.Add(message.Id))
        {
            return false;
        }

        _order.Enqueue(message.Id);
        if (_order.Count > Remembered)
        {
            var oldest = _order.Dequeue();
            _seen.Remove(oldest);
            _forgotten = Math.Max(_forgotten, oldest);
        }

        Highest = Math.Max(Highest ?? 0, message.Id);
        return true;
    }
}
