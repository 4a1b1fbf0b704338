using System.Threading.RateLimiting;
using HubApp.Auth;
using HubApp.Errors;
using HubApp.Telemetry;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HubApp.Limits;

/// <summary>
/// Negotiations per user on the hub's <c>/negotiate</c> endpoint: the framework's rate limiter, one token bucket per
/// user (the token's <c>sub</c>), <c>Limits:NegotiationsPerSecond</c> with burst <c>Limits:NegotiationBurst</c>. Each
/// negotiation makes a connection token that the server holds until the connection is made or the framework drops it
/// unused (<c>ConnectionOptions.DisconnectTimeout</c>, 15 s by default), and the per-user connection limit counts
/// only connections that are made; so the bucket is also what bounds a user's pending connections: at most
/// burst + rate × that timeout. A refusal is a 429 <c>rate_limited</c> with <c>Retry-After</c>, in the plain-text
/// shape of the hub's other refusal before the upgrade (<c>too_many_connections</c>).
/// </summary>
internal sealed class NegotiateRateLimit(IOptions<LimitsOptions> limits, ChatMetrics metrics) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "chat-negotiate";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var settings = limits.Value;
        return RateLimitPartition.GetTokenBucketLimiter(
            httpContext.User.UserId() ?? string.Empty, _ => TokenBuckets.PerSecond(settings.NegotiationsPerSecond, settings.NegotiationBurst));
    }

    /// <summary>Puts the policy on the negotiate endpoint of a hub, and on none of its others (the transports' requests).</summary>
    public static void OnNegotiateOf(IEndpointConventionBuilder hub) => hub.Add(endpoint =>
    {
        if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } pattern } && pattern.EndsWith("/negotiate", StringComparison.Ordinal))
        {
            endpoint.Metadata.Add(new EnableRateLimitingAttribute(PolicyName));
        }
    });

    private ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var refusal = ChatErrors.NegotiationsRateLimited(limits.Value.NegotiationsPerSecond);
        metrics.Refused(refusal.Code);
        RetryAfter.Set(rejected);
        rejected.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return new ValueTask(rejected.HttpContext.Response.WriteAsync($"{refusal.Code}: {refusal.Text}", cancellationToken));
    }
}
