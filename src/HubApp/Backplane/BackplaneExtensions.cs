using HubApp.Hubs;
using HubApp.Presence;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HubApp.Backplane;

public static class BackplaneExtensions
{
    /// <summary>
    /// <c>Backplane:Provider</c>: with <c>postgres</c>, SignalR sends, room and direct messages, and presence across
    /// every node on the same PostgreSQL database, and a <c>backplane</c> health check. With <c>none</c> (the
    /// default) the node is alone: the single-node parts that each feature registers stay as they are. An engine
    /// replaces only what it must (the lifetime manager, delivery, presence), so the order of the <c>AddChat…</c>
    /// calls does not matter.
    /// </summary>
    public static WebApplicationBuilder AddChatBackplane(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BackplaneOptions>().BindConfiguration(BackplaneOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BackplaneOptions>, BackplaneOptionsValidator>();

        // Read here, not when resolved: what is registered depends on it. An unknown value registers nothing and
        // fails start-up through the validator.
        var provider = builder.Configuration.GetSection(BackplaneOptions.SectionName)[nameof(BackplaneOptions.Provider)] ?? BackplaneOptions.None;
        if (string.Equals(provider, BackplaneOptions.Postgres, StringComparison.Ordinal))
        {
            AddPostgres(builder.Services);
        }

        return builder;
    }

    private static void AddPostgres(IServiceCollection services)
    {
        services.AddSingleton<PostgresBackplane>();
        services.AddSingleton<PostgresHubLifetimeManager<ChatHub>>();
        services.AddSingleton<IBackplaneInbox>(s => s.GetRequiredService<PostgresHubLifetimeManager<ChatHub>>());
        services.Replace(ServiceDescriptor.Singleton<HubLifetimeManager<ChatHub>>(s => s.GetRequiredService<PostgresHubLifetimeManager<ChatHub>>()));
        services.Replace(ServiceDescriptor.Singleton<IMessageDelivery, PostgresMessageDelivery>());
        services.AddSingleton<PostgresPresenceDirectory>();
        services.Replace(ServiceDescriptor.Singleton<IPresenceDirectory>(s => s.GetRequiredService<PostgresPresenceDirectory>()));
        services.AddSingleton<PostgresListener>();
        services.AddHostedService(s => s.GetRequiredService<PostgresListener>());
        services.AddHostedService(s => s.GetRequiredService<PostgresPresenceDirectory>());
        services.AddHealthChecks().AddCheck<PostgresBackplaneHealthCheck>("backplane");
    }

    private sealed class BackplaneOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<BackplaneOptions>
    {
        public ValidateOptionsResult Validate(string? name, BackplaneOptions options) => options.Provider switch
        {
            BackplaneOptions.None => ValidateOptionsResult.Success,
            BackplaneOptions.Postgres when storage.Value.Provider != StorageOptions.Postgres =>
                ValidateOptionsResult.Fail("Backplane:Provider 'postgres' needs Storage:Provider 'postgres' (the nodes share history, ids and presence in one database)."),
            BackplaneOptions.Postgres when options.HeartbeatInterval <= TimeSpan.Zero =>
                ValidateOptionsResult.Fail("Backplane:HeartbeatInterval must be positive."),
            BackplaneOptions.Postgres when options.NodeTimeout < 2 * options.HeartbeatInterval =>
                ValidateOptionsResult.Fail("Backplane:NodeTimeout must be at least twice Backplane:HeartbeatInterval."),
            BackplaneOptions.Postgres when options.MaxReconnectDelay <= TimeSpan.Zero =>
                ValidateOptionsResult.Fail("Backplane:MaxReconnectDelay must be positive."),
            BackplaneOptions.Postgres when string.IsNullOrWhiteSpace(options.Channel) || options.Channel.Length > 63 =>
                ValidateOptionsResult.Fail("Backplane:Channel must be 1–63 characters."),
            BackplaneOptions.Postgres => ValidateOptionsResult.Success,
            _ => ValidateOptionsResult.Fail($"Backplane:Provider must be 'none' or 'postgres', not '{options.Provider}'."),
        };
    }
}
