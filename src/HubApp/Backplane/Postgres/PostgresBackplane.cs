using System.Text;
using HubApp.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubApp.Backplane.Postgres;

/// <summary>
/// The sending half of the wire between nodes: publishes envelopes with <c>pg_notify</c>. Payloads over
/// <see cref="MaxInlineBytes"/> (NOTIFY takes under 8000 bytes) go into a <c>backplane_payloads</c> row and travel
/// as <c>#id</c>. <see cref="PostgresListener"/> is the receiving half.
/// </summary>
internal sealed class PostgresBackplane(NpgsqlDataSource dataSource, NodeIdentity node, IOptions<BackplaneOptions> options)
{
    public const int MaxInlineBytes = 7900;
    private const int SchemaVersion = 1;

    private readonly BackplaneOptions _options = options.Value;

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

    /// <summary>Sends <paramref name="envelopes"/> in order, in one round trip.</summary>
    public async Task PublishAsync(NpgsqlConnection connection, IReadOnlyList<BackplaneEnvelope> envelopes, CancellationToken cancellationToken)
    {
        if (envelopes.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection);
        foreach (var envelope in envelopes)
        {
            var payload = envelope.Serialize();
            var command = new NpgsqlBatchCommand(Encoding.UTF8.GetByteCount(payload) <= MaxInlineBytes
                ? "SELECT pg_notify($1, $2)"
                : "WITH stored AS (INSERT INTO backplane_payloads (body) VALUES ($2) RETURNING id) SELECT pg_notify($1, '#' || id) FROM stored");
            command.Parameters.Add(new NpgsqlParameter { Value = _options.Channel });
            command.Parameters.Add(new NpgsqlParameter { Value = payload });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
