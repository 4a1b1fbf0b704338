namespace HubApp.Contracts;

/// <summary>
/// The body of <c>POST /api/rooms/{room}/messages</c> (docs/protocol.md, "HTTP endpoints"): the text, and an optional
/// client message id that makes the post safe to retry, as for the hub's <c>PostMessage</c>.
/// </summary>
public sealed record PostMessageRequest(string? Text, string? ClientMessageId = null);
