namespace HubApp.Limits;

/// <summary>
/// A token bucket with no timer: a burst at once, then so many each whole second, the refill computed from the time
/// elapsed when it is next used. Nothing runs for a bucket nobody uses, however many there are. It refills as the
/// framework's <c>TokenBucketRateLimiter</c> did with a one-second period (whole periods, a period counted from the first
/// take of a full bucket). The rate and the burst are its owner's (the same for all of its kind), so that a bucket is two
/// numbers.
/// </summary>
/// <remarks>
/// A mutable struct: kept in a field and used through it (never a copy), one caller at a time (its owner's lock:
/// <c>ConnectionAllowance</c>, <see cref="UserBuckets"/>). A default bucket is full.
/// </remarks>
internal struct RefillingBucket
{
    // Tokens taken and not yet given back (0: full, so that a default bucket is full), and the start of the period whose
    // end gives the next refill.
    private long _spent;
    private long _since;

    /// <summary>Takes one token; false (and nothing taken) when there is none. <paramref name="now"/> is a <paramref name="time"/> timestamp.</summary>
    public bool TryTake(TimeProvider time, long now, int perSecond, int burst)
    {
        ArgumentNullException.ThrowIfNull(time);
        var periods = Periods(time, now);
        if (periods > 0)
        {
            _spent = Math.Max(0, _spent - (periods * perSecond));
            _since += periods * time.TimestampFrequency;
        }

        if (_spent >= burst)
        {
            return false;
        }

        if (_spent == 0)
        {
            _since = now;
        }

        _spent++;
        return true;
    }

    /// <summary>Whether the bucket is full at <paramref name="now"/>: forgetting it then changes nothing.</summary>
    public readonly bool IsFullAt(TimeProvider time, long now, int perSecond) => _spent - (Periods(time, now) * perSecond) <= 0;

    private readonly long Periods(TimeProvider time, long now) =>
        _spent == 0 ? 0 : time.GetElapsedTime(_since, now).Ticks / TimeSpan.TicksPerSecond;
}
