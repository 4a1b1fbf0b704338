using HubApp.Contracts;

namespace HubApp.Messaging;

/// <summary>
/// Sends stored messages to the connections that should see them. Called by one writer, in id order,
/// and must not wait for slow receivers: it only queues the sends, so one slow connection holds up no room.
/// </summary>
public interface IMessageDelivery
{
    void Deliver(ChatMessage message);

    void Deliver(DirectMessage message);
}
