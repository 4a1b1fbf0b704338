using HubApp.Contracts;

namespace HubApp.Api;

/// <summary>
/// The server publish API under <c>/api/rooms</c> (docs/protocol.md, "HTTP endpoints"), for bots and back ends:
/// bearer tokens of the hub's scheme, the hub's services, limits and error codes, and an OpenAPI document served in
/// Development at <see cref="OpenApiPath"/>.
/// </summary>
public static class ChatApiExtensions
{
    /// <summary>The route group of the API.</summary>
    public const string RoomsPath = "/api/rooms";

    /// <summary>Where the OpenAPI document is served (Development only).</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>
    /// The API's services, its rate limiter (<see cref="ApiRateLimit"/>) and the OpenAPI document (<see cref="ApiDocument"/>).
    /// Needs <see cref="UseChatApi"/>.
    /// </summary>
    public static WebApplicationBuilder AddChatApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ApiRefusals>();
        builder.Services.AddRateLimiter(ApiRateLimit.Configure);
        // Answers the framework writes itself under /api (a query value that is not a number, a body that is not JSON)
        // are problems too (UseChatApi), with the contract's code for a bad request.
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            if (context.HttpContext.Request.Path.StartsWithSegments(RoomsPath)
                && context.ProblemDetails.Status is StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType
                && !context.ProblemDetails.Extensions.ContainsKey(ApiRefusals.CodeExtension))
            {
                context.ProblemDetails.Title = ErrorCodes.InvalidMessage;
                context.ProblemDetails.Detail = "the query or the body is not of the contract's shape.";
                context.ProblemDetails.Extensions[ApiRefusals.CodeExtension] = ErrorCodes.InvalidMessage;
            }
        });
        builder.Services.AddOpenApi(ApiDocument.Configure);
        return builder;
    }

    /// <summary>
    /// The API's middleware, after <c>UseAuthorization()</c>: the rate limiter (so that a request without a token is a
    /// 401 and costs no one's allowance), and problem bodies for the API's bodiless error answers.
    /// </summary>
    public static IApplicationBuilder UseChatApi(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRateLimiter();
        return app.UseWhen(context => context.Request.Path.StartsWithSegments(RoomsPath), api => api.UseStatusCodePages());
    }

    /// <summary><c>POST</c> and <c>GET /api/rooms/{room}/messages</c>, <c>GET /api/rooms</c>, and in Development the OpenAPI document.</summary>
    public static WebApplication MapChatApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var rooms = app.MapGroup(RoomsPath).RequireAuthorization().AddEndpointFilter(RefusalFilterAsync).WithTags("Rooms");

        rooms.MapPost("/{room}/messages", RoomMessagesEndpoints.PostAsync)
            .RequireRateLimiting(ApiRateLimit.PostPolicy)
            .WithName("PostRoomMessage")
            .WithSummary("Posts a message to a room as the token's user.")
            .WithDescription(
                "Stores the message and delivers it to the room's hub members as MessageReceived; no JoinRoom needed. A "
                + "repeated clientMessageId (same user and room) answers 200 with the entry stored first and stores and "
                + "delivers nothing. Refusals are application/problem+json whose `code` is the contract's: invalid_room, "
                + "invalid_message (also a body that is not the JSON shape), message_too_long (also a body over the "
                + "receive limit) 400; forbidden, muted 403; rate_limited 429 with Retry-After (Limits:MessagesPerSecond, "
                + "burst Limits:Burst, per user); unavailable 503.")
            .Accepts<PostMessageRequest>("application/json")
            .Produces<ChatMessage>(StatusCodes.Status201Created)
            .Produces<ChatMessage>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        rooms.MapGet("/{room}/messages", RoomMessagesEndpoints.GetAsync)
            .AsRead()
            .WithName("GetRoomMessages")
            .WithSummary("Reads a room's log, ascending.")
            .WithDescription(
                "afterId gives the oldest entries after it; beforeId, or neither, the newest before it (before the newest). "
                + "limit is 1–200, default 50. Refusals are application/problem+json whose `code` is the contract's: "
                + "invalid_room, invalid_message (both ids, or a limit out of range) 400; forbidden 403 for a private room "
                + "the caller may not read; rate_limited 429 with Retry-After (per user; Limits:ReadsPerSecond, "
                + "Limits:ReadBurst); unavailable 503.")
            .Produces<ChatMessage[]>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        rooms.MapGet(string.Empty, RoomMessagesEndpoints.ListRoomsAsync)
            .AsRead()
            .WithName("ListRooms")
            .WithSummary("The room directory, as the hub's ListRooms(null, 200).")
            .WithDescription(
                "Open and public rooms, and the private rooms the caller is a member of (all of them for an admin), most "
                + "recently active first, at most 200. rate_limited 429 with Retry-After (per user; Limits:ReadsPerSecond, "
                + "Limits:ReadBurst).")
            .Produces<RoomSummary[]>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi(OpenApiPath).AllowAnonymous();
        }

        return app;
    }

    // Refusals thrown by the services (and the store's unavailability) become problems here, once for every route (the
    // webhook API's and Push's too).
    internal static async ValueTask<object?> RefusalFilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ApiRefusals.AsRefusal(ex) is { } refusal)
        {
            return context.HttpContext.RequestServices.GetRequiredService<ApiRefusals>().Refuse(context.HttpContext, refusal);
        }
    }
}
