using HubApp.Contracts;
using HubApp.Json;
using HubApp.Limits;
using HubApp.Sending;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HubApp.Hubs;

public static class ChatHubExtensions
{
    /// <summary>Unsent bytes buffered for one connection before its writes wait (SignalR's default).</summary>
    public const long OutgoingBufferBytes = 64 * 1024;

    /// <summary>How long one send to a connection may wait before the connection is closed as a slow consumer.</summary>
    public static readonly TimeSpan SlowConsumerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sent but unacknowledged bytes kept per stateful-reconnect connection, for resending after a drop.
    /// Clients acknowledge once a second and writes wait while the buffer is full, so this is also the most
    /// a stateful connection receives per second: SignalR's default (100 KB) would hold a client sending
    /// 3 KB messages to about 16 a second. Group sends share their bytes, so a room's fan-out is not
    /// multiplied by its members.
    /// </summary>
    public const long StatefulReconnectBufferBytes = 1024 * 1024;

    /// <summary>Invocations of one connection that may run at once (SignalR's default is 1).</summary>
    public const int MaxParallelInvocationsPerClient = 8;

    /// <summary>
    /// SignalR, the hub's lifetime manager (single-node; a backplane engine, <c>AddChatBackplane</c>, replaces it, before
    /// or after this call), what the services send through, and the hub's filters. The hub's services are the features'
    /// own (<c>AddChatPresence</c>, <c>AddChatRooms</c>, <c>AddChatHistory</c>, <c>AddChatMessaging</c>, …); the limits
    /// are <c>AddChatLimits</c>'.
    /// </summary>
    public static WebApplicationBuilder AddChatHub(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ConnectionRefusal>();
        builder.Services.TryAddSingleton<HubLifetimeManager<ChatHub>, ChatLifetimeManager<ChatHub>>();
        builder.Services.AddSingleton(services => (ILocalConnections)services.GetRequiredService<HubLifetimeManager<ChatHub>>());
        builder.Services.AddSingleton(services => (ILocalGroupBatches)services.GetRequiredService<HubLifetimeManager<ChatHub>>());
        // What the services send through: the hub's clients and groups, not IHubContext<ChatHub>, whose hub type
        // would make Rooms and Messaging depend on Hubs while Hubs depends on them.
        builder.Services.AddSingleton(services => services.GetRequiredService<IHubContext<ChatHub, IChatClient>>().Clients);
        builder.Services.AddSingleton(services => services.GetRequiredService<IHubContext<ChatHub, IChatClient>>().Groups);
        builder.Services.AddSingleton<RateLimitFilter>();
        builder.Services.AddSingleton<InvocationLoggingFilter>();
        builder.Services.AddSingleton<SilentConnectionTimeout>();

        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSignalR(hub =>
        {
            hub.EnableDetailedErrors = development;
            // A connection may have several sends waiting for the same group commit instead of one per commit.
            // Order is kept: SignalR starts invocations in the order they arrive, and every hub method queues its
            // write before its first await (MessageWriter), so a user's messages get ids in the order sent.
            hub.MaximumParallelInvocationsPerClient = MaxParallelInvocationsPerClient;
            hub.StatefulReconnectBufferSize = StatefulReconnectBufferBytes;
        })
            // Text as UTF-8, not \uXXXX (an emoji: 4 bytes, not 12), with what must be escaped still escaped (markup
            // included). The converter does the work, as the protocol's own writer ignores the Encoder (see there).
            .AddJsonProtocol(json =>
            {
                json.PayloadSerializerOptions.Encoder = WireJsonEncoder.Instance;
                json.PayloadSerializerOptions.Converters.Add(new WireStringConverter());
            })
            .AddMessagePackProtocol();
        // The HTTP endpoints' JSON (dev tokens, /stats, /app-config.json) is written the same way.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Encoder = WireJsonEncoder.Instance);
        builder.Services.AddSingleton<IConfigureOptions<HubOptions>, ConfigureReceiveLimit>();
        builder.Services.AddSingleton<IConfigureOptions<HubOptions>, ConfigureFilters>();
        return builder;
    }

    /// <summary>
    /// Refuses, before the upgrade, a connection that would take a user past <c>Limits:MaxConnectionsPerUser</c>, and
    /// a request of a connection made with another user's token (<see cref="ConnectionOwnerMiddleware"/>).
    /// </summary>
    public static IApplicationBuilder UseChatConnectionLimits(this IApplicationBuilder app) =>
        app.UseMiddleware<ConnectionOwnerMiddleware>().UseMiddleware<ConnectionLimitMiddleware>();

    public static IEndpointRouteBuilder MapChatHub(this IEndpointRouteBuilder app)
    {
        var hub = app.MapHub<ChatHub>(HubMethods.Path, connection =>
        {
            connection.CloseOnAuthenticationExpiration = true;
            connection.AllowStatefulReconnects = true;
            // Slow consumers: what the server holds for a client that stops reading is capped. Past
            // OutgoingBufferBytes unsent, further writes to it wait; a send that waits longer than
            // SlowConsumerTimeout closes the connection, and its queued writes are dropped with it. The
            // client catches up from history when it comes back (JoinRoom with sinceId); no one else waits.
            connection.ApplicationMaxBufferSize = OutgoingBufferBytes;
            connection.TransportSendTimeout = SlowConsumerTimeout;
        });
        NegotiateRateLimit.OnNegotiateOf(hub);
        return app;
    }

    // Room names and user ids are short; text may be all escapes (raw UTF-8, in JSON or MessagePack, is at most 3 bytes
    // a code unit): see LimitsOptions.MaxEncodedMessageBytes. It bounds what clients send, so the server's own encoder
    // (WireJsonEncoder) does not enter into it.
    // The filters as instances, outermost first. AddFilter<T> wraps each in SignalR's HubFilterFactory, which resolves the
    // filter and awaits it in an async layer of its own on every invocation: three async state machines per message.
    private sealed class ConfigureFilters(IServiceProvider services) : IConfigureOptions<HubOptions>
    {
        public void Configure(HubOptions options)
        {
            options.AddFilter(new DeferredFilter<InvocationLoggingFilter>(services));
            options.AddFilter(new DeferredFilter<RateLimitFilter>(services));
            options.AddFilter(new DeferredFilter<SilentConnectionTimeout>(services));
        }
    }

    // Resolved at first use, not while HubOptions are built: the filters reach the lifetime manager (ILocalConnections),
    // and the Redis backplane's reads HubOptions in its constructor. Forwarding adds a call, not an async layer.
    private sealed class DeferredFilter<T>(IServiceProvider services) : IHubFilter
        where T : IHubFilter
    {
        private T? _filter;

        private T Filter => _filter ??= services.GetRequiredService<T>();

        public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next) =>
            Filter.InvokeMethodAsync(invocationContext, next);

        public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next) => Filter.OnConnectedAsync(context, next);

        public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next) =>
            Filter.OnDisconnectedAsync(context, exception, next);
    }

    private sealed class ConfigureReceiveLimit(IOptions<LimitsOptions> limits) : IConfigureOptions<HubOptions>
    {
        public void Configure(HubOptions options) => options.MaximumReceiveMessageSize = limits.Value.MaxEncodedMessageBytes;
    }
}
