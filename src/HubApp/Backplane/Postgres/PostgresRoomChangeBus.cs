using System.Text.Json;
using HubApp.Rooms;
using HubApp.Sending;

namespace HubApp.Backplane.Postgres;

/// <summary>
/// Room changes between nodes on the PostgreSQL engine: applied here at once, then sent on the backplane's channel as a
/// <see cref="EnvelopeKind.RoomChanged"/> envelope, which <see cref="PostgresListener"/> hands to <see cref="Receive"/> on
/// every other node.
/// </summary>
/// <remarks>
/// A change that cannot be published (PostgreSQL is down; it is stored already, so it was not) reaches the other nodes
/// only when their copies expire (<see cref="RoomStateCache.MaxAge"/>); after its own outage a node drops every copy
/// (<see cref="MayHaveMissed"/>).
/// </remarks>
internal sealed partial class PostgresRoomChangeBus(PostgresBackplane backplane, RoomChangeHandler handler, ILogger<PostgresRoomChangeBus> logger) : IRoomChangeBus
{
    public Task PublishAsync(RoomChange change, CancellationToken cancellationToken) => handler.OriginateAsync(change, async () =>
    {
        try
        {
            await backplane.PublishAsync(ToEnvelope(change, backplane.NodeId), cancellationToken);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or IOException or TimeoutException)
        {
            LogPublishFailed(logger, change.Room, ex);
        }
    });

    /// <summary>
    /// Another node's change; called on the listener's loop, so it starts the work and does not wait for it. The removed
    /// connections are out of their groups when this returns, so before the listener hands out the next notification: an
    /// entry or event of the room sent after the change was published reaches none of them.
    /// </summary>
    public void Receive(BackplaneEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Args is [var argument] && argument.Deserialize<RoomChange>(JsonSerializerOptions.Web) is { } change)
        {
            FireAndForget.Observe(handler.ApplyAsync(change), logger);
        }
    }

    /// <summary>The listener was away: changes made meanwhile did not arrive.</summary>
    public void MayHaveMissed() => FireAndForget.Observe(handler.ResyncAsync(), logger);

    public static BackplaneEnvelope ToEnvelope(RoomChange change, string origin) =>
        new(EnvelopeKind.RoomChanged, origin, [], null, string.Empty, [JsonSerializer.SerializeToElement(change, JsonSerializerOptions.Web)]);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "A change of room '{Room}' could not be published to the other nodes; their copies expire by themselves.")]
    private static partial void LogPublishFailed(ILogger logger, string room, Exception exception);
}
