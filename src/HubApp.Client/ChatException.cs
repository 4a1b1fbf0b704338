using HubApp.Contracts;

namespace HubApp.Client;

/// <summary>
/// The server refused an invocation (docs/protocol.md, "Error codes"). The connection stays open.
/// </summary>
public sealed class ChatException : Exception
{
    /// <summary>The <see cref="Code"/> when the message carries none of the contract's codes.</summary>
    public const string UnknownCode = "unknown";

    public ChatException()
        : this("The server refused the invocation.")
    {
    }

    public ChatException(string message)
        : this(message, null)
    {
    }

    /// <param name="message">The server's message, "&lt;code&gt;: &lt;text&gt;" after SignalR's own prefix.</param>
    public ChatException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = ErrorCodes.Find(message) ?? UnknownCode;
    }

    /// <summary>One of <see cref="ErrorCodes"/> (e.g. <c>not_in_room</c>), or <see cref="UnknownCode"/>.</summary>
    public string Code { get; }
}
