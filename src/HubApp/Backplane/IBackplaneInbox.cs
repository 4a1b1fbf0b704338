namespace HubApp.Backplane;

/// <summary>Where an engine's listener hands what other nodes sent: this node's lifetime manager.</summary>
/// <remarks>Called by one loop, in arrival order; must not wait for slow receivers.</remarks>
internal interface IBackplaneInbox
{
    void Deliver(BackplaneEnvelope envelope);

    /// <summary>The listener is back after a gap: what other nodes sent meanwhile did not arrive here.</summary>
    void MayHaveMissed();
}
