using System.Text;
using HubApp.Storage;
using Npgsql;

namespace HubApp.Backplane.Postgres;

/// <summary>
/// The sending half of the wire between nodes: publishes envelopes with <c>pg_notify</c>. Payloads over
/// <see cref="MaxInlineBytes"/> (NOTIFY takes under 8000 bytes) go into a <c>backplane_payloads</c> row and travel
/// as <c>#id</c>. <see cref="PostgresListener"/> is the receiving half.
/// </summary>
internal sealed class PostgresBackplane(NpgsqlDataSource dataSource, NodeIdentity node, PostgresChannels channels)
{
    public const int MaxInlineBytes = 7900;
    private const int SchemaVersion = 1;

    public string NodeId => node.Id;

    public Task CreateSchemaAsync(CancellationToken cancellationToken) => PostgresMessageStore.RunSchemaAsync(dataSource, """
        CREATE TABLE IF NOT EXISTS backplane_payloads (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
        """, "backplane", SchemaVersion, cancellationToken);

    /// <summary>Sends now, on a pooled connection.</summary>
    public async Task PublishAsync(BackplaneEnvelope envelope, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await PublishAsync(connection, envelope, cancellationToken);
    }

    /// <summary>Sends on <paramref name="connection"/>: inside its transaction, if one is open, the notification leaves only on commit.</summary>
    public Task PublishAsync(NpgsqlConnection connection, BackplaneEnvelope envelope, CancellationToken cancellationToken) =>
        PublishAsync(connection, [envelope], cancellationToken);

    /// <summary>
    /// Sends <paramref name="envelopes"/> in order, in one round trip, each on the channels of the nodes that need it
    /// (<see cref="PostgresChannels"/>): a send to rooms or users once per bucket, with the targets of that bucket only
    /// (a node listening to two buckets then gets each target once); a send to connections once per node that holds
    /// them, by the presence table; the rest on the shared channel.
    /// </summary>
    public async Task PublishAsync(NpgsqlConnection connection, IReadOnlyList<BackplaneEnvelope> envelopes, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var envelope in envelopes)
        {
            switch (envelope.Kind)
            {
                case EnvelopeKind.Groups:
                    AddPerBucket(batch, envelope, channels.Room);
                    break;
                case EnvelopeKind.Users:
                    AddPerBucket(batch, envelope, channels.User);
                    break;
                case EnvelopeKind.Connections:
                    AddToNodes(batch, envelope, envelope.Targets);
                    break;
                case EnvelopeKind.AddToGroup or EnvelopeKind.RemoveFromGroup:
                    AddToNodes(batch, envelope, [envelope.Targets[0]]);
                    break;
                default:
                    Add(batch, channels.Everyone, envelope);
                    break;
            }
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void AddPerBucket(NpgsqlBatch batch, BackplaneEnvelope envelope, Func<string, string> channelOf)
    {
        if (envelope.Targets is [var target])
        {
            Add(batch, channelOf(target), envelope);
            return;
        }

        foreach (var bucket in envelope.Targets.GroupBy(channelOf, StringComparer.Ordinal))
        {
            Add(batch, bucket.Key, envelope with { Targets = [.. bucket] });
        }
    }

    private static void Add(NpgsqlBatch batch, string channel, BackplaneEnvelope envelope)
    {
        var payload = envelope.Serialize();
        var command = new NpgsqlBatchCommand(IsInline(payload)
            ? "SELECT pg_notify($1, $2)"
            : "WITH stored AS (INSERT INTO backplane_payloads (body) VALUES ($2) RETURNING id) SELECT pg_notify($1, '#' || id) FROM stored");
        command.Parameters.Add(new NpgsqlParameter { Value = channel });
        command.Parameters.Add(new NpgsqlParameter { Value = payload });
        batch.BatchCommands.Add(command);
    }

    // A crashed node's connections are listed until it is reaped: its channel then has no listener, and the send reaches no one.
    private void AddToNodes(NpgsqlBatch batch, BackplaneEnvelope envelope, IReadOnlyList<string> connectionIds)
    {
        var payload = envelope.Serialize();
        var channel = PostgresChannels.NodeChannelSql("$1::text", "nodes.node_id");
        const string Nodes = "nodes AS (SELECT DISTINCT node_id FROM connections WHERE connection_id = ANY($3) AND node_id <> $4)";
        var command = new NpgsqlBatchCommand(IsInline(payload)
            ? $"WITH {Nodes} SELECT pg_notify({channel}, $2) FROM nodes"
            : $"WITH {Nodes}, stored AS (INSERT INTO backplane_payloads (body) SELECT $2 WHERE EXISTS (SELECT FROM nodes) RETURNING id) SELECT pg_notify({channel}, '#' || stored.id) FROM stored, nodes");
        command.Parameters.Add(new NpgsqlParameter { Value = channels.Everyone });
        command.Parameters.Add(new NpgsqlParameter { Value = payload });
        command.Parameters.Add(new NpgsqlParameter { Value = connectionIds.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = node.Id });
        batch.BatchCommands.Add(command);
    }

    private static bool IsInline(string payload) => Encoding.UTF8.GetByteCount(payload) <= MaxInlineBytes;
}
