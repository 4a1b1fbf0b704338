using HubApp.Limits;

namespace HubApp.Hubs;

/// <summary>The allowances the rate limit holds for one connection, one <see cref="RefillingBucket"/> each.</summary>
internal enum AllowanceKind
{
    Messages,
    Typing,
    ReadMarkers,
    RoomChanges,
    Reads,
}

/// <summary>
/// A connection's token buckets (<see cref="RateLimitFilter"/>), kept as a feature of the connection: made as it
/// connects, gone with it, five pairs of numbers in one object. Invocations of one connection may run at once (up to
/// MaximumParallelInvocationsPerClient): a take holds the object's lock, for a few arithmetic operations.
/// </summary>
internal sealed class ConnectionAllowance
{
    private RefillingBucket _messages;
    private RefillingBucket _typing;
    private RefillingBucket _readMarkers;
    private RefillingBucket _roomChanges;
    private RefillingBucket _reads;

    public bool TryTake(AllowanceKind kind, TimeProvider time, int perSecond, int burst)
    {
        var now = time.GetTimestamp();
        lock (this)
        {
            return Bucket(kind).TryTake(time, now, perSecond, burst);
        }
    }

    private ref RefillingBucket Bucket(AllowanceKind kind)
    {
        switch (kind)
        {
            case AllowanceKind.Messages:
                return ref _messages;
            case AllowanceKind.Typing:
                return ref _typing;
            case AllowanceKind.ReadMarkers:
                return ref _readMarkers;
            case AllowanceKind.RoomChanges:
                return ref _roomChanges;
            default:
                return ref _reads;
        }
    }
}
