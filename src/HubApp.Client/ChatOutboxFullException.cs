namespace HubApp.Client;

/// <summary>
/// A send was refused by the client itself: <see cref="ChatClientOptions.MaxPendingSends"/> sends are already waiting to be
/// stored (the server is slow or the connection is down). Nothing was sent; try again once some have finished.
/// </summary>
public sealed class ChatOutboxFullException : InvalidOperationException
{
    public ChatOutboxFullException()
        : this("The outbox is full: too many sends are waiting to be stored.")
    {
    }

    public ChatOutboxFullException(string message)
        : base(message)
    {
    }

    public ChatOutboxFullException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
