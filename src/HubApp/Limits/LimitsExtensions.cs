namespace HubApp.Limits;

public static class LimitsExtensions
{
    /// <summary>
    /// Per-connection and per-user limits from section <c>Limits</c> (<see cref="LimitsOptions"/>, whose comment shows
    /// the section's shape), the gate that takes a user's reads in turn, and the rate limiter's policy for negotiations
    /// (put on the hub's negotiate endpoint by <c>MapChatHub</c>).
    /// </summary>
    public static WebApplicationBuilder AddChatLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<UserReadGate>();
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy<string, NegotiateRateLimit>(NegotiateRateLimit.PolicyName));
        return builder;
    }
}
