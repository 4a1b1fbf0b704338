namespace HubApp.Backplane;

/// <summary>
/// Where an engine's listener hands what other nodes sent: this node's lifetime manager. A room's stored entries go to the
/// <see cref="RoomLogSequencer"/> instead, and so does the catching up after the listener's outage.
/// </summary>
/// <remarks>Called by one loop, in arrival order; must not wait for slow receivers.</remarks>
internal interface IBackplaneInbox
{
    void Deliver(BackplaneEnvelope envelope);
}
