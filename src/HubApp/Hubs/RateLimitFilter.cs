using System.Threading.RateLimiting;
using HubApp.Contracts;
using HubApp.Limits;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Hubs;

/// <summary>
/// A token bucket per connection (<c>Limits:MessagesPerSecond</c>, burst <c>Limits:Burst</c>) over the
/// methods that make others receive something. A refused call reaches no one.
/// </summary>
/// <remarks>
/// One partitioned limiter for all connections: its single timer replenishes every bucket, instead of a
/// timer per connection; a bucket left full for a while (a closed or quiet connection) is dropped by it.
/// </remarks>
internal sealed class RateLimitFilter : IHubFilter, IDisposable
{
    private static readonly HashSet<string> LimitedMethods =
        [HubMethods.SendMessage, HubMethods.Typing, HubMethods.SendDirectMessage];

    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly int _perSecond;

    public RateLimitFilter(IOptions<LimitsOptions> options)
    {
        var limits = options.Value;
        _perSecond = limits.MessagesPerSecond;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = limits.MessagesPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        _limiter = PartitionedRateLimiter.Create<string, string>(
            connectionId => RateLimitPartition.GetTokenBucketLimiter(connectionId, _ => bucket), StringComparer.Ordinal);
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (LimitedMethods.Contains(invocationContext.HubMethodName))
        {
            using var lease = _limiter.AttemptAcquire(invocationContext.Context.ConnectionId);
            if (!lease.IsAcquired)
            {
                throw ChatErrors.RateLimited(_perSecond);
            }
        }

        return next(invocationContext);
    }

    public void Dispose() => _limiter.Dispose();
}
