using System.Collections.Concurrent;

namespace HubApp.Limits;

/// <summary>
/// One <see cref="RefillingBucket"/> per user on this node, shared by all of the user's connections: <paramref name="burst"/>
/// at once, then <paramref name="perSecond"/> each second. No timer: a user's bucket is made when first used, and the buckets
/// that have filled up again are dropped when the dictionary has doubled since the last such sweep (a full bucket and no
/// bucket allow the same), so the sweeps cost a constant share of the takes and memory stays a small multiple of the
/// users active within a refill.
/// </summary>
/// <remarks>Called concurrently from every connection; a bucket is taken from under its own lock.</remarks>
internal sealed class UserBuckets(int perSecond, int burst, TimeProvider time)
{
    private const int FirstSweepAt = 1024;

    private readonly ConcurrentDictionary<string, Holder> _buckets = new(StringComparer.Ordinal);
    private int _sweepAt = FirstSweepAt;

    /// <summary>Takes one of the user's tokens; false when none is left.</summary>
    public bool TryTake(string userId)
    {
        var now = time.GetTimestamp();
        if (!_buckets.TryGetValue(userId, out var holder))
        {
            if (_buckets.Count >= Volatile.Read(ref _sweepAt))
            {
                Sweep(now);
            }

            holder = _buckets.GetOrAdd(userId, _ => new Holder());
        }

        lock (holder)
        {
            return holder.Bucket.TryTake(time, now, perSecond, burst);
        }
    }

    private void Sweep(long now)
    {
        lock (_buckets)
        {
            if (_buckets.Count < _sweepAt)
            {
                return;
            }

            foreach (var (userId, holder) in _buckets)
            {
                bool full;
                lock (holder)
                {
                    full = holder.Bucket.IsFullAt(time, now, perSecond);
                }

                // A take between the check and the removal is lost to the user's favour only: their next take finds a new, full bucket.
                if (full)
                {
                    _buckets.TryRemove(new KeyValuePair<string, Holder>(userId, holder));
                }
            }

            Volatile.Write(ref _sweepAt, Math.Max(FirstSweepAt, _buckets.Count * 2));
        }
    }

    private sealed class Holder
    {
        public RefillingBucket Bucket;
    }
}
