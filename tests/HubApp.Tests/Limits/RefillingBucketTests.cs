using HubApp.Limits;

namespace HubApp.Tests.Limits;

/// <summary>The hub's allowances without a timer: a burst, then so many a second, counted from the time that passed.</summary>
public sealed class RefillingBucketTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public void ABucketGivesItsBurstThenRefillsAtItsRate()
    {
        var bucket = default(RefillingBucket);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        }

        Assert.False(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        // Whole seconds from the first take: two tokens at each.
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        Assert.True(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        Assert.False(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.True(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        Assert.True(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        Assert.False(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));

        // A long quiet refills it to its burst, not beyond.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.True(bucket.IsFullAt(_time, _time.GetTimestamp(), perSecond: 2));
        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
        }

        Assert.False(bucket.TryTake(_time, _time.GetTimestamp(), perSecond: 2, burst: 5));
    }

    [Fact]
    public void AUsersBucketIsSharedByTheirCallsAndNotByOtherUsers()
    {
        var buckets = new UserBuckets(perSecond: 1, burst: 3, _time);

        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => buckets.TryTake("alice")));
        Assert.True(buckets.TryTake("bob"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(buckets.TryTake("alice"));
        Assert.False(buckets.TryTake("alice"));
    }

    [Fact]
    public void UsersWhoseBucketsFilledUpAreForgottenWithoutChangingAnyonesAllowance()
    {
        var buckets = new UserBuckets(perSecond: 1, burst: 2, _time);
        Assert.True(buckets.TryTake("alice"));
        Assert.True(buckets.TryTake("alice"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(buckets.TryTake("carol"));
        Assert.True(buckets.TryTake("carol"));

        // Enough users to sweep: alice's bucket is full again and may go; carol's, spent, stays.
        for (var i = 0; i < 2048; i++)
        {
            buckets.TryTake($"user-{i}");
        }

        Assert.False(buckets.TryTake("carol"));
        Assert.True(buckets.TryTake("alice"));
        Assert.True(buckets.TryTake("alice"));
        Assert.False(buckets.TryTake("alice"));
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
