namespace HubApp.Sending;

/// <summary>
/// Several invocations of one client method to this node's members of one group, in order, as one write per
/// connection where its transport allows (see <c>ChatLifetimeManager</c>): a committed batch's entries for a room.
/// </summary>
internal interface ILocalGroupBatches
{
    /// <summary>Sends <paramref name="methodName"/> once per argument, in list order, started and not awaited by callers (<see cref="FireAndForget"/>).</summary>
    Task SendLocalGroupInOrderAsync<T>(string groupName, string methodName, IReadOnlyList<T> arguments);
}
