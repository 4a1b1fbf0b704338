namespace HubApp.Errors;

/// <summary>
/// A call refused for a reason the contract names (docs/protocol.md, "Error codes"): its <see cref="Code"/> is one of
/// <see cref="Contracts.ErrorCodes"/>, its <see cref="Text"/> what a person reads after it. The services throw it;
/// the hub's one filter (<c>Hubs/InvocationLoggingFilter</c>) turns it into the HubException "code: text" that
/// clients see, and logs and counts it there.
/// </summary>
/// <remarks>
/// In a folder of its own, not in Hubs/, so that dependencies point one way: Hubs uses Rooms, Messaging and
/// History, which use this, and none of them knows SignalR's HubException or the hub.
/// </remarks>
public sealed class ChatRefusedException(string code, string text, Exception? innerException = null)
    : Exception($"{code}: {text}", innerException)
{
    public string Code { get; } = code;

    public string Text { get; } = text;
}
