using HubApp.Api;
using HubApp.Auth;
using Microsoft.Extensions.Options;

namespace HubApp.EventStream;

public static class EventStreamExtensions
{
    /// <summary>The event stream's route, under the API's rooms.</summary>
    public const string Pattern = ChatApiExtensions.RoomsPath + "/{room}/events";

    /// <summary>
    /// The room event stream (<see cref="RoomEventStream"/>) and its bounds, from section <c>EventStream</c>
    /// (<see cref="EventStreamOptions"/>):
    /// <code>
    /// "EventStream": { "KeepAliveInterval": "00:00:15", "MaxStreamsPerUser": 5, "MaxStreams": 1000 }
    /// </code>
    /// Needs <c>AddChatApi</c> (its read allowance and refusals) and <see cref="MapChatEventStream"/>.
    /// </summary>
    public static WebApplicationBuilder AddChatEventStream(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<EventStreamOptions>().BindConfiguration(EventStreamOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<EventStreamSlots>();
        builder.Services.AddSingleton<RoomEventStream>();
        return builder;
    }

    /// <summary>
    /// <c>GET /api/rooms/{room}/events</c>: a bearer token (or, for EventSource, <c>access_token</c> in the query), the
    /// HTTP reads' allowance for opening it, and the API's refusals as problems before the stream begins.
    /// </summary>
    public static WebApplication MapChatEventStream(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(Pattern, StreamAsync)
            .RequireAuthorization()
            .RequireRateLimiting(ApiRateLimit.ReadPolicy)
            .AddEndpointFilter(ChatApiExtensions.RefusalFilterAsync)
            .WithTags("Rooms")
            .WithName("StreamRoomEvents")
            .WithSummary("Follows a room's log as Server-Sent Events.")
            .WithDescription(
                "Each entry is an event: `id:` its room id, `event:` its kind, `data:` the ChatMessage JSON. Starts after "
                + "the Last-Event-ID header or else afterId, replays from the store, then goes on live, in id order, each "
                + "entry once; with neither, new entries only. A `: keep-alive` comment every EventStream:KeepAliveInterval "
                + "(15 s). Refusals before the stream begins are application/problem+json with the contract's `code`: "
                + "invalid_room, invalid_message 400; forbidden 403; rate_limited 429 (the read allowance, or more than "
                + "EventStream:MaxStreamsPerUser streams); unavailable 503. The stream ends when the reader is kicked or "
                + "banned or may no longer read the room.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> StreamAsync(
        string room,
        long? afterId,
        HttpContext context,
        RoomEventStream stream,
        IOptions<AuthOptions> auth,
        CancellationToken cancellationToken)
    {
        // An HTTP request is no connection: the caller's connection id only names the request in logs.
        var caller = context.User.ToCaller("http-" + context.TraceIdentifier, auth.Value.AdminRole);
        await stream.RunAsync(context, caller, room, afterId, cancellationToken);
        return Results.Empty;
    }
}
