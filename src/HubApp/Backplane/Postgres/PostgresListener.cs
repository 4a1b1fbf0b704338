using System.Text.Json;
using System.Threading.Channels;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubApp.Backplane.Postgres;

/// <summary>
/// The receiving half of the PostgreSQL wire: listens on one dedicated connection (<c>LISTEN</c>) to the channels
/// this node needs (<see cref="PostgresChannels"/>), and hands each envelope on one at a time, in the order PostgreSQL
/// delivered them (commit order, across channels too): a room's stored entries to the <see cref="RoomLogSequencer"/>,
/// room changes to <see cref="PostgresRoomChangeBus"/>, every other send to <see cref="IBackplaneInbox"/>. Payload
/// rows older than <see cref="PayloadRetention"/> are deleted here.
/// </summary>
/// <remarks>
/// After the listening connection is lost it reconnects with a bounded backoff, logging the loss and the
/// recovery; <see cref="DisconnectedSince"/> feeds <c>/health</c>. Notifications sent while it was away are
/// lost to this node, so on recovery every room held here reads what it missed from the store
/// (<see cref="RoomLogSequencer.RepairAll"/>), and the room changes are caught up.
/// </remarks>
internal sealed partial class PostgresListener(
    NpgsqlDataSource dataSource,
    PostgresBackplane backplane,
    PostgresChannels channels,
    RoomLogSequencer roomLog,
    IBackplaneInbox inbox,
    PostgresRoomChangeBus roomChanges,
    IOptions<BackplaneOptions> options,
    IOptions<JsonHubProtocolOptions> json,
    TimeProvider time,
    ChatMetrics metrics,
    ILogger<PostgresListener> logger) : BackgroundService
{
    private static readonly TimeSpan PayloadRetention = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(2);

    private readonly BackplaneOptions _options = options.Value;
    private readonly JsonSerializerOptions _json = json.Value.PayloadSerializerOptions;
    private readonly Channel<string> _inbox = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private volatile bool _missedSome;

    /// <summary>When the listening connection was lost (or, before the first connect, when the node started); null while listening.</summary>
    public DateTime? DisconnectedSince { get; private set; } = DateTime.UtcNow;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await backplane.CreateSchemaAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(() => ListenAsync(stoppingToken), CancellationToken.None), Task.Run(() => DispatchAsync(stoppingToken), CancellationToken.None));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var wasConnected = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (e.Payload != PostgresChannels.WakePayload)
                    {
                        _inbox.Writer.TryWrite(e.Payload);
                    }
                };
                // Every channel held, before recovery is announced: the repair that follows then misses nothing.
                await channels.ListenAllAsync(connection, backplane.NodeId, stoppingToken);

                if (DisconnectedSince is { } since)
                {
                    LogListening(logger, _options.Channel, backplane.NodeId, wasConnected ? time.GetUtcNow().UtcDateTime - since : TimeSpan.Zero);
                }

                DisconnectedSince = null;
                failures = 0;
                if (wasConnected)
                {
                    _missedSome = true;
                }

                wasConnected = true;
                await WaitForNotificationsAsync(connection, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                if (DisconnectedSince is null)
                {
                    LogLost(logger, ex);
                }

                DisconnectedSince ??= time.GetUtcNow().UtcDateTime;
                failures++;
                // A restarted server leaves every pooled connection dead.
                dataSource.Clear();
                var delay = TimeSpan.FromMilliseconds(Math.Min(_options.MaxReconnectDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures - 1, 8))));
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // Waits for notifications, pinging the server when idle so that a dead connection is noticed within
    // PingInterval, and telling the inbox (outside the Npgsql callback) when something may have been missed.
    private async Task WaitForNotificationsAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        var lastCleanup = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (_missedSome)
            {
                _missedSome = false;
                _inbox.Writer.TryWrite(ResubscribedMarker);
            }

            await channels.ApplyAsync(connection, stoppingToken);
            if (await connection.WaitAsync(PingInterval, stoppingToken))
            {
                continue;
            }

            await using (var ping = new NpgsqlCommand("SELECT 1;", connection))
            {
                await ping.ExecuteNonQueryAsync(stoppingToken);
            }

            if (time.GetUtcNow() - lastCleanup > PayloadRetention / 2)
            {
                lastCleanup = time.GetUtcNow();
                await using var cleanup = new NpgsqlCommand("DELETE FROM backplane_payloads WHERE created_at < now() - @retention;", connection);
                cleanup.Parameters.AddWithValue("retention", PayloadRetention);
                await cleanup.ExecuteNonQueryAsync(stoppingToken);
            }
        }
    }

    private const string ResubscribedMarker = "\u0001resubscribed";

    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var payload in _inbox.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    if (payload == ResubscribedMarker)
                    {
                        // What was notified meanwhile is in the store. Presence and typing events of that time are not
                        // (they are ephemeral), nor direct messages to this node's users.
                        LogCatchingUp(logger);
                        roomLog.RepairAll();
                        roomChanges.MayHaveMissed();
                        continue;
                    }

                    var envelope = BackplaneEnvelope.Deserialize(payload.StartsWith('#') ? await FetchAsync(payload, stoppingToken) : payload);
                    if (envelope?.StoredBy is { } storedBy && storedBy != backplane.NodeId && envelope.Age(time.GetUtcNow()) is { } lag)
                    {
                        // A message stored by another node: how long it took to get here, by the two nodes' clocks.
                        metrics.BackplaneLag(lag);
                    }

                    if (envelope is { Kind: EnvelopeKind.RoomChanged } && envelope.Origin != backplane.NodeId)
                    {
                        roomChanges.Receive(envelope);
                    }
                    else if (envelope?.StoredRoomEntry(_json) is { } entry)
                    {
                        roomLog.Offer(entry);
                    }
                    else if (envelope is not null && envelope.Origin != backplane.NodeId)
                    {
                        inbox.Deliver(envelope);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Something for this node's connections was not delivered: have them catch up once listening works.
                    _missedSome = true;
                    LogDispatchFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<string> FetchAsync(string reference, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT body FROM backplane_payloads WHERE id = @id;", connection);
        command.Parameters.AddWithValue("id", long.Parse(reference.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture));
        return await command.ExecuteScalarAsync(cancellationToken) as string
            ?? throw new InvalidOperationException($"Backplane payload {reference} is gone (older than {PayloadRetention}).");
    }

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "The backplane may have missed notifications: the rooms of this node catch up from the store.")]
    private static partial void LogCatchingUp(ILogger logger);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Backplane listening on PostgreSQL channel '{Channel}' as node {NodeId} (after an outage of {Outage}).")]
    private static partial void LogListening(ILogger logger, string channel, string nodeId, TimeSpan outage);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "Backplane lost its PostgreSQL connection; reconnecting. Until then this node neither receives nor delivers other nodes' sends.")]
    private static partial void LogLost(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "A backplane notification could not be delivered here; this node's rooms will catch up from the store.")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
