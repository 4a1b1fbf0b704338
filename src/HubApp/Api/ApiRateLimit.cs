using System.Threading.RateLimiting;
using HubApp.Auth;
using HubApp.Errors;
using HubApp.Limits;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HubApp.Api;

/// <summary>
/// The API's allowance for posts: the framework's rate limiter, one token bucket per user (the token's <c>sub</c>) with
/// the hub's per-connection numbers, <c>Limits:MessagesPerSecond</c> and burst <c>Limits:Burst</c>. The buckets are the
/// API's own, as its callers hold no connection. A refused post is a 429 <c>rate_limited</c> with <c>Retry-After</c>,
/// and reaches no one.
/// </summary>
internal static class ApiRateLimit
{
    /// <summary>The rate limiter policy over posts.</summary>
    public const string PostPolicy = "chat-api-post";

    /// <summary>
    /// The rate limiter policy over reads (<c>GET /api/rooms/{room}/messages</c>, <c>GET /api/rooms</c>, <c>GET /stats</c>): a bucket per
    /// user of the size of the hub's per-user read allowance (<c>Limits:ReadsPerSecond</c>, <c>Limits:ReadBurst</c>;
    /// see <see cref="LimitsOptions.UserReadBurst"/>), the API's own.
    /// </summary>
    public const string ReadPolicy = "chat-api-read";

    /// <summary>
    /// The rate limiter policy over uploads (<c>POST …/attachments</c>): a bucket per user of <c>Limits:UploadsPerMinute</c>,
    /// refilled over the minute.
    /// </summary>
    public const string UploadPolicy = "chat-api-upload";

    /// <summary>
    /// Makes <paramref name="endpoint"/> an HTTP read: the read policy's bucket, then the user's turn among all of their
    /// reads (<see cref="UserReadGate"/>, shared with the hub's), so that one user's reads never slow another's requests.
    /// </summary>
    public static TBuilder AsRead<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireRateLimiting(ReadPolicy).AddEndpointFilter(InTurnAsync);

    public static void Configure(RateLimiterOptions limiter)
    {
        limiter.AddPolicy(PostPolicy, PerUserBucket);
        limiter.AddPolicy(ReadPolicy, PerUserReadBucket);
        limiter.AddPolicy(UploadPolicy, PerUserUploadBucket);
        limiter.OnRejected = RejectAsync;
    }

    private static RateLimitPartition<string> PerUserBucket(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return RateLimitPartition.GetTokenBucketLimiter(context.User.UserId() ?? string.Empty, _ => TokenBuckets.PerSecond(limits.MessagesPerSecond, limits.Burst));
    }

    private static RateLimitPartition<string> PerUserReadBucket(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return RateLimitPartition.GetTokenBucketLimiter(context.User.UserId() ?? string.Empty, _ => TokenBuckets.PerSecond(limits.UserReadsPerSecond, limits.UserReadBurst));
    }

    private static RateLimitPartition<string> PerUserUploadBucket(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return RateLimitPartition.GetTokenBucketLimiter(context.User.UserId() ?? string.Empty, _ => TokenBuckets.PerMinute(limits.UploadsPerMinute));
    }

    private static async ValueTask<object?> InTurnAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        RateLimitLease turn;
        try
        {
            turn = await http.RequestServices.GetRequiredService<UserReadGate>().EnterAsync(http.User.UserId() ?? string.Empty, http.RequestAborted);
        }
        catch (ChatRefusedException refusal)
        {
            return http.RequestServices.GetRequiredService<ApiRefusals>().Refuse(http, refusal);
        }

        using (turn)
        {
            return await next(context);
        }
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        RetryAfter.Set(rejected);
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        var refusal = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName switch
        {
            UploadPolicy => ChatErrors.UploadsRateLimited(limits.UploadsPerMinute),
            ReadPolicy => ChatErrors.ReadsRateLimited(limits.UserReadsPerSecond),
            _ => ChatErrors.RateLimited(limits.MessagesPerSecond),
        };
        await context.RequestServices.GetRequiredService<ApiRefusals>().Refuse(context, refusal).ExecuteAsync(context);
    }
}
