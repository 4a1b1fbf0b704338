using HubApp.Hubs;
using HubApp.Messaging;
using HubApp.Presence;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Backplane;

public static class BackplaneExtensions
{
    /// <summary>
    /// With <c>Backplane:Provider</c> <c>postgres</c>: SignalR sends, room and direct messages, and presence
    /// across every node on the same PostgreSQL database, and a <c>backplane</c> health check. With <c>none</c>
    /// (the default) the node is alone and nothing here runs. Call after <c>AddChatStorage</c> and <c>AddChatHub</c>.
    /// </summary>
    public static WebApplicationBuilder AddChatBackplane(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BackplaneOptions>().BindConfiguration(BackplaneOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BackplaneOptions>, BackplaneOptionsValidator>();

        builder.Services.AddSingleton<PostgresBackplane>();
        builder.Services.AddSingleton<PostgresMessageDelivery>();
        builder.Services.AddSingleton<PostgresPresenceDirectory>();
        builder.Services.AddSingleton<LocalPresenceDirectory>();

        // Chosen when first resolved, from the bound options, so that every configuration source counts.
        builder.Services.AddSingleton<HubLifetimeManager<ChatHub>>(services => Shared(services)
            ? ActivatorUtilities.CreateInstance<PostgresHubLifetimeManager<ChatHub>>(services)
            : ActivatorUtilities.CreateInstance<LocalHubLifetimeManager<ChatHub>>(services));
        builder.Services.AddSingleton<IMessageDelivery>(services => Shared(services)
            ? services.GetRequiredService<PostgresMessageDelivery>()
            : ActivatorUtilities.CreateInstance<HubMessageDelivery>(services));
        builder.Services.AddSingleton<IPostgresAppendHook>(services => Shared(services)
            ? services.GetRequiredService<PostgresMessageDelivery>()
            : NoHook.Instance);
        builder.Services.AddSingleton<IPresenceDirectory>(services => Shared(services)
            ? services.GetRequiredService<PostgresPresenceDirectory>()
            : services.GetRequiredService<LocalPresenceDirectory>());
        // AddSingleton, not AddHostedService: that one keeps only the first of two factories of one return type.
        builder.Services.AddSingleton<IHostedService>(services => Shared(services) ? services.GetRequiredService<PostgresBackplane>() : Idle.Instance);
        builder.Services.AddSingleton<IHostedService>(services => Shared(services) ? services.GetRequiredService<PostgresPresenceDirectory>() : Idle.Instance);
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            "backplane",
            services => Shared(services) ? ActivatorUtilities.CreateInstance<BackplaneHealthCheck>(services) : Idle.Instance,
            failureStatus: null,
            tags: null));
        return builder;
    }

    private static bool Shared(IServiceProvider services) =>
        services.GetRequiredService<IOptions<BackplaneOptions>>().Value.Provider == BackplaneOptions.Postgres;

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

    private sealed class NoHook : IPostgresAppendHook
    {
        public static readonly NoHook Instance = new();

        public Task OnAppendAsync(Npgsql.NpgsqlConnection connection, AppendResult stored, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    // Stands in for the backplane's hosted services and health check on a single node.
    private sealed class Idle : IHostedService, Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
    {
        public static readonly Idle Instance = new();

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy("No backplane: a single node."));
    }
}
