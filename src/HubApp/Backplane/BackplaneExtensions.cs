using HubApp.Backplane.Postgres;
using HubApp.Backplane.Redis;
using HubApp.Configuration;
using HubApp.Hubs;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HubApp.Backplane;

public static class BackplaneExtensions
{
    /// <summary>
    /// <c>Backplane:Provider</c>: with <c>postgres</c>, SignalR sends, room and direct messages, and presence across
    /// every node on the same PostgreSQL database, and a <c>backplane</c> health check. With <c>none</c> (the
    /// default) the node is alone: the single-node parts that each feature registers stay as they are. An engine
    /// replaces only what it must (the lifetime manager, delivery, presence, room changes, a join's room tracking), so
    /// the order of the <c>AddChat…</c> calls does not matter.
    /// </summary>
    public static WebApplicationBuilder AddChatBackplane(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BackplaneOptions>()
            .BindConfiguration(BackplaneOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.RedisConnectionString = configuration.GetConnectionString("Redis");
                if (configuration.GetValue<TimeSpan?>($"{BackplaneOptions.SectionName}:{nameof(BackplaneOptions.RoomSweepInterval)}") is { } sweep && sweep > TimeSpan.Zero)
                {
                    options.RoomSweepInterval = sweep;
                }
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BackplaneOptions>, BackplaneOptionsValidator>();

        // Read here, not when resolved: what is registered depends on it. An unknown value registers nothing and
        // fails start-up through the validator.
        var provider = builder.Configuration.GetSection(BackplaneOptions.SectionName)[nameof(BackplaneOptions.Provider)] ?? BackplaneOptions.None;
        if (string.Equals(provider, BackplaneOptions.Postgres, StringComparison.Ordinal))
        {
            AddPostgres(builder.Services);
        }
        else if (string.Equals(provider, BackplaneOptions.Redis, StringComparison.Ordinal))
        {
            AddRedis(builder.Services);
        }

        return builder;
    }

    private static void AddPostgres(IServiceCollection services)
    {
        AddSharedPresence(services);
        AddRoomLog(services);
        services.AddSingleton<PostgresChannels>();
        services.Replace(ServiceDescriptor.Singleton<IRoomLogSource>(s => s.GetRequiredService<PostgresChannels>()));
        services.AddSingleton<PostgresBackplane>();
        services.AddSingleton<PostgresHubLifetimeManager<ChatHub>>();
        services.AddSingleton<IBackplaneInbox>(s => s.GetRequiredService<PostgresHubLifetimeManager<ChatHub>>());
        services.Replace(ServiceDescriptor.Singleton<HubLifetimeManager<ChatHub>>(s => s.GetRequiredService<PostgresHubLifetimeManager<ChatHub>>()));
        services.Replace(ServiceDescriptor.Singleton<IMessageDelivery, PostgresMessageDelivery>());
        services.AddSingleton<PostgresRoomChangeBus>();
        services.Replace(ServiceDescriptor.Singleton<IRoomChangeBus>(s => s.GetRequiredService<PostgresRoomChangeBus>()));
        services.AddSingleton<PostgresListener>();
        services.AddHostedService(s => s.GetRequiredService<PostgresListener>());
        services.AddHealthChecks().AddCheck<PostgresBackplaneHealthCheck>("backplane");
    }

    // Redis carries the sends (SignalR's own Redis manager, and HubApp's channel per room, subscribed while the room is
    // held here); PostgreSQL keeps what is state (history, ids, presence and node heartbeats), as with the PostgreSQL engine.
    private static void AddRedis(IServiceCollection services)
    {
        AddSharedPresence(services);
        AddRoomLog(services);
        services.AddSingleton<RedisConnection>();
        services.AddSignalR().AddStackExchangeRedis(_ => { });
        services.AddOptions<RedisOptions>().Configure<RedisConnection>((options, redis) =>
            options.ConnectionFactory = async _ => await redis.GetAsync());
        services.AddSingleton<RedisChatLifetimeManager<ChatHub>>();
        services.Replace(ServiceDescriptor.Singleton<HubLifetimeManager<ChatHub>>(s => s.GetRequiredService<RedisChatLifetimeManager<ChatHub>>()));
        services.AddSingleton<RedisRoomLog>();
        services.AddHostedService(s => s.GetRequiredService<RedisRoomLog>());
        services.Replace(ServiceDescriptor.Singleton<IRoomLogSource>(s => s.GetRequiredService<RedisRoomLog>()));
        services.Replace(ServiceDescriptor.Singleton<IMessageDelivery, RedisMessageDelivery>());
        services.AddSingleton<RedisRoomChangeBus>();
        services.AddHostedService(s => s.GetRequiredService<RedisRoomChangeBus>());
        services.Replace(ServiceDescriptor.Singleton<IRoomChangeBus>(s => s.GetRequiredService<RedisRoomChangeBus>()));
        services.AddSingleton<IStartupCheck, RedisStartupCheck>();
        services.AddHealthChecks().AddCheck<RedisBackplaneHealthCheck>("backplane");
    }

    private static void AddSharedPresence(IServiceCollection services)
    {
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<PostgresPresenceDirectory>();
        services.Replace(ServiceDescriptor.Singleton<IPresenceDirectory>(s => s.GetRequiredService<PostgresPresenceDirectory>()));
        services.AddHostedService(s => s.GetRequiredService<PostgresPresenceDirectory>());
    }

    // One sequencer per node, which the engine's listener feeds and a join tracks its room with; it sends to this node's
    // members through the registered lifetime manager (ILocalConnections), which needs nothing of it.
    private static void AddRoomLog(IServiceCollection services)
    {
        services.AddSingleton<RoomLogSequencer>();
        services.TryAddSingleton<IRoomLogSource, EveryRoomLogSource>();
        services.Replace(ServiceDescriptor.Singleton<IRoomTracking>(s => s.GetRequiredService<RoomLogSequencer>()));
    }

    private static bool IsValidRedisConfiguration(string? configuration)
    {
        try
        {
            return StackExchange.Redis.ConfigurationOptions.Parse(configuration!).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private sealed class BackplaneOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<BackplaneOptions>
    {
        public ValidateOptionsResult Validate(string? name, BackplaneOptions options) => options.Provider switch
        {
            BackplaneOptions.None => ValidateOptionsResult.Success,
            BackplaneOptions.Postgres or BackplaneOptions.Redis when storage.Value.Provider != StorageOptions.Postgres =>
                ValidateOptionsResult.Fail($"Backplane:Provider '{options.Provider}' needs Storage:Provider 'postgres' (the nodes share history, ids and presence in one database)."),
            BackplaneOptions.Redis when string.IsNullOrWhiteSpace(options.RedisConnectionString) =>
                ValidateOptionsResult.Fail("ConnectionStrings:Redis must be set when Backplane:Provider is 'redis'."),
            BackplaneOptions.Redis when !IsValidRedisConfiguration(options.RedisConnectionString) =>
                ValidateOptionsResult.Fail("ConnectionStrings:Redis is not a valid StackExchange.Redis configuration string (host:port[,option=value…])."),
            _ when options.HeartbeatInterval <= TimeSpan.Zero =>
                ValidateOptionsResult.Fail("Backplane:HeartbeatInterval must be positive."),
            _ when options.NodeTimeout < 2 * options.HeartbeatInterval =>
                ValidateOptionsResult.Fail("Backplane:NodeTimeout must be at least twice Backplane:HeartbeatInterval."),
            _ when options.MaxReconnectDelay <= TimeSpan.Zero =>
                ValidateOptionsResult.Fail("Backplane:MaxReconnectDelay must be positive."),
            _ when string.IsNullOrWhiteSpace(options.Channel) || options.Channel.Length > 63 =>
                ValidateOptionsResult.Fail("Backplane:Channel must be 1–63 characters."),
            BackplaneOptions.Postgres when System.Text.Encoding.UTF8.GetByteCount(options.Channel) > PostgresChannels.MaxPrefixBytes =>
                ValidateOptionsResult.Fail($"Backplane:Channel must be at most {PostgresChannels.MaxPrefixBytes} bytes with 'postgres' (PostgreSQL takes 63, and the channels of nodes add 18)."),
            BackplaneOptions.Postgres or BackplaneOptions.Redis => ValidateOptionsResult.Success,
            _ => ValidateOptionsResult.Fail($"Backplane:Provider must be 'none', 'postgres' or 'redis', not '{options.Provider}'."),
        };
    }
}
