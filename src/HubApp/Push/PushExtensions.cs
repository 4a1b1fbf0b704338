using HubApp.Api;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Push;

/// <summary>Web Push for people who are away (docs/protocol.md, "Push notifications").</summary>
public static class PushExtensions
{
    public const string KeyPath = "/api/push/key";
    public const string SubscriptionsPath = "/api/push/subscriptions";

    /// <summary>Options (validated at start-up), the key pair, the queue the writer feeds and the senders that drain it.</summary>
    public static WebApplicationBuilder AddChatPush(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PushOptions>().BindConfiguration(PushOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PushOptions>, PushOptionsValidator>();
        builder.Services.AddSingleton<VapidKeys>();
        builder.Services.AddSingleton<PushQueue>();
        builder.Services.AddSingleton<ICommitListener>(services => services.GetRequiredService<PushQueue>());
        builder.Services.AddSingleton<PushMetrics>();
        builder.Services.AddHostedService<PushSender>();
        builder.Services.AddTransient<VapidAudienceHandler>();
        builder.Services.AddHttpClient(PushSender.HttpClientName)
            .ConfigureHttpClient((services, client) => client.Timeout = services.GetRequiredService<IOptions<PushOptions>>().Value.SendTimeout)
            // A push service answers; it never sends the host elsewhere (an allowed host must not become a way to any host).
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .AddHttpMessageHandler<VapidAudienceHandler>();
        return builder;
    }

    public static WebApplication MapChatPush(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Metrics are observed from the start (every series at 0), not from the first push.
        app.Services.GetRequiredService<PushMetrics>();
        app.MapGet(KeyPath, PushEndpoints.GetKeyAsync).AllowAnonymous().WithTags("Push").WithName("GetPushKey");
        var subscriptions = app.MapGroup(SubscriptionsPath).RequireAuthorization().AddEndpointFilter(ChatApiExtensions.RefusalFilterAsync).WithTags("Push");
        subscriptions.MapPost(string.Empty, PushEndpoints.SubscribeAsync).RequireRateLimiting(ApiRateLimit.PostPolicy).WithName("SubscribeToPush");
        subscriptions.MapDelete(string.Empty, PushEndpoints.UnsubscribeAsync).RequireRateLimiting(ApiRateLimit.PostPolicy).WithName("UnsubscribeFromPush");
        return app;
    }
}
