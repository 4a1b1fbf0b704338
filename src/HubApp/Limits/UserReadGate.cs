using System.Threading.RateLimiting;
using HubApp.Errors;

namespace HubApp.Limits;

/// <summary>
/// How many of one user's reads run at once on this node, whatever connection or HTTP request they come by: at most
/// <see cref="ConcurrentReadsPerUser"/>; the others wait their turn, in order, and past <see cref="QueuedReadsPerUser"/>
/// waiting they are refused with <c>rate_limited</c>. The read allowance (token buckets) bounds how many reads a user
/// makes; this bounds how much of the node's threads and cores they take meanwhile, so that one user's reads never
/// slow another user's round trips (SignalR's <c>MaximumParallelInvocationsPerClient</c> is per connection, and a
/// user may hold <c>Limits:MaxConnectionsPerUser</c> of them). A read of the SQLite store holds a thread for its
/// whole length, so without this a user's many reads at once starved the thread pool for everyone.
/// </summary>
/// <remarks>
/// Constants, not settings: the contract fixes the configuration keys. A waiting read costs no thread. Called
/// concurrently from every connection and request; the partitioned limiter drops a user's gate once it is idle.
/// </remarks>
internal sealed class UserReadGate : IDisposable
{
    /// <summary>Reads of one user that run at once: one core's worth of a two-core node, whatever the user does.</summary>
    public const int ConcurrentReadsPerUser = 1;

    /// <summary>
    /// Reads of one user that may wait: more than the user's connections (20) may have in flight (8 each); reads past it
    /// are refused at once.
    /// </summary>
    public const int QueuedReadsPerUser = 256;

    private static readonly ConcurrencyLimiterOptions Gate = new()
    {
        PermitLimit = ConcurrentReadsPerUser,
        QueueLimit = QueuedReadsPerUser,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };

    private readonly PartitionedRateLimiter<string> _gates = PartitionedRateLimiter.Create<string, string>(
        userId => RateLimitPartition.GetConcurrencyLimiter(userId, _ => Gate), StringComparer.Ordinal);

    /// <summary>Waits for the user's turn; the permit (disposed when the read is done), or <c>rate_limited</c> when too many wait.</summary>
    public async ValueTask<RateLimitLease> EnterAsync(string userId, CancellationToken cancellationToken)
    {
        var lease = await _gates.AcquireAsync(userId, 1, cancellationToken);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw ChatErrors.ReadsQueueFull(QueuedReadsPerUser);
        }

        return lease;
    }

    public void Dispose() => _gates.Dispose();
}
