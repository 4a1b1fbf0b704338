namespace HubApp.Client;

/// <summary>The SignalR hub protocol a <see cref="ChatClient"/> speaks; the server offers both (docs/protocol.md).</summary>
public enum ChatProtocol
{
    /// <summary>SignalR's JSON hub protocol: text, works over every transport.</summary>
    Json,

    /// <summary>
    /// SignalR's MessagePack hub protocol: binary and smaller. Server-Sent Events carry only text, so it
    /// runs over WebSockets or long polling; negotiate skips SSE for it.
    /// </summary>
    MessagePack,
}
