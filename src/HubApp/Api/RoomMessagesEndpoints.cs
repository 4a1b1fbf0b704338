using System.Text.Json;
using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.History;
using HubApp.Limits;
using HubApp.Messaging;
using HubApp.Presence;
using HubApp.Rooms;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace HubApp.Api;

/// <summary>
/// <c>POST</c> and <c>GET /api/rooms/{room}/messages</c>: the hub's services over HTTP. Each handler only reads its
/// input and delegates: a post to <see cref="MessageService.PostAsync"/>, which decides it as the hub's send is decided
/// and stores it through the writer's group commit (which delivers to the room's hub members as for a hub send); for
/// reads, room names through <see cref="RoomAccess"/>, room decisions through <see cref="RoomAuthorization"/>, history
/// through <see cref="HistoryService"/>.
/// Refusals are thrown, as in the hub, and answered by the group's filter (<see cref="ApiRefusals"/>).
/// </summary>
internal static class RoomMessagesEndpoints
{
    /// <summary>A history page's size when the query names none (the contract's default).</summary>
    public const int DefaultLimit = 50;

    /// <summary>How many rooms <c>GET /api/rooms</c> lists (the contract's <c>ListRooms(null, 200)</c>).</summary>
    public const int DirectoryLimit = 200;

    /// <summary>Stores the message as the token's user: 201 with the new entry, 200 with the earlier one for a repeated client message id.</summary>
    public static async Task<IResult> PostAsync(
        string room,
        HttpContext context,
        MessageService messages,
        IOptions<LimitsOptions> limits,
        IOptions<AuthOptions> auth,
        CancellationToken cancellationToken)
    {
        var written = await messages.PostAsync(
            CallerOf(context, auth.Value), room, token => ReadBodyAsync(context, limits.Value.MaxEncodedMessageBytes, token), cancellationToken);
        return written.Created ? TypedResults.Created((string?)null, written.Message) : TypedResults.Ok(written.Message);
    }

    /// <summary>The room log, ascending: the oldest after <paramref name="afterId"/>, else the newest before <paramref name="beforeId"/> (or the newest).</summary>
    public static async Task<IResult> GetAsync(
        string room,
        long? beforeId,
        long? afterId,
        int? limit,
        HttpContext context,
        HistoryService history,
        RoomAuthorization authorization,
        IOptions<AuthOptions> auth,
        CancellationToken cancellationToken)
    {
        var caller = CallerOf(context, auth.Value);
        var name = RoomAccess.RequireValid(room);
        await authorization.RequireReadableAsync(caller, name, cancellationToken);
        var count = limit ?? DefaultLimit;
        if ((beforeId is not null && afterId is not null) || count is < 1 or > HistoryOptions.MaxHistoryPage)
        {
            throw ChatErrors.InvalidPage(HistoryOptions.MaxHistoryPage);
        }

        var page = afterId is { } after
            ? await history.AfterAsync(name, after, count, cancellationToken)
            : await history.BeforeAsync(name, beforeId, count, cancellationToken);
        return TypedResults.Ok(page);
    }

    /// <summary>The directory, as the hub's <c>ListRooms(null, 200)</c>.</summary>
    public static async Task<IResult> ListRoomsAsync(HttpContext context, RoomDirectory directory, IOptions<AuthOptions> auth, CancellationToken cancellationToken) =>
        TypedResults.Ok(await directory.ListAsync(CallerOf(context, auth.Value), null, DirectoryLimit, cancellationToken));

    // An HTTP request is no connection: the caller's connection id only names the request in logs.
    internal static ChatCaller CallerOf(HttpContext context, AuthOptions auth) =>
        context.User.ToCaller("http-" + context.TraceIdentifier, auth.AdminRole);

    /// <summary>
    /// The body, read by hand rather than bound, so that every way it can be wrong gets the contract's code: malformed or
    /// of the wrong shape is <c>invalid_message</c> (a content type other than JSON is refused by routing first, 415);
    /// over <paramref name="maxBytes"/> (the hub's receive limit for one message) is <c>message_too_long</c>, refused when
    /// the excess arrives, so no more than that is ever buffered, and the connection is closed rather than drained.
    /// </summary>
    private static async Task<PostMessageRequest> ReadBodyAsync(HttpContext context, long maxBytes, CancellationToken cancellationToken)
    {
        if (!context.Request.HasJsonContentType())
        {
            throw ChatErrors.InvalidBody();
        }

        byte[] body;
        try
        {
            body = await ReadBoundedAsync(context, maxBytes, cancellationToken);
        }
        catch (BadHttpRequestException)
        {
            // The body ended early or broke the framing: the client will hardly read the answer, but it is no fault of ours.
            throw ChatErrors.InvalidBody();
        }

        try
        {
            var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            return JsonSerializer.Deserialize<PostMessageRequest>(body, options) ?? throw ChatErrors.InvalidBody();
        }
        catch (JsonException)
        {
            throw ChatErrors.InvalidBody();
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContext context, long maxBytes, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        var chunk = new byte[8192];
        var tooLarge = context.Request.ContentLength > maxBytes;
        while (!tooLarge && await context.Request.Body.ReadAsync(chunk, cancellationToken) is var read and > 0)
        {
            tooLarge = body.Length + read > maxBytes;
            body.Write(chunk, 0, read);
        }

        if (tooLarge)
        {
            context.Response.Headers.Connection = "close";
            throw ChatErrors.BodyTooLarge(maxBytes);
        }

        return body.ToArray();
    }
}
