using System.Data;
using System.Text.Json;

namespace HubApp.Storage;

// Webhooks and their cursors: tables that only add, created IF NOT EXISTS by every start (SQLite: with the other tables,
// no schema version of its own; PostgreSQL: component "webhooks", version 1). One DDL serves both dialects; times are
// Unix milliseconds, as in messages. The lease is a row: taking it is one UPDATE … WHERE the lease is free or expired
// (on PostgreSQL a second node's UPDATE waits for the first's row lock and then finds the lease taken), and moving the
// cursor is conditioned on still owning it, so two nodes never send batches of one (webhook, room) at once. Expiry is
// read on the database's clock (NowSql), so nodes' clocks need not agree.
internal abstract partial class RelationalMessageStore : IWebhookStore
{
    protected const string WebhookTablesSql = """
        CREATE TABLE IF NOT EXISTS webhooks (
            id text NOT NULL PRIMARY KEY, url text NOT NULL, rooms text, secret text NOT NULL, created_at bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS webhook_cursors (
            webhook_id text NOT NULL, room text NOT NULL, last_id bigint NOT NULL, failures integer NOT NULL,
            lease_owner text, lease_until bigint NOT NULL, PRIMARY KEY (webhook_id, room));
        """;

    /// <summary>The database's clock in Unix milliseconds, as an SQL expression.</summary>
    protected abstract string NowSql { get; }

    public Task<bool> AddWebhookAsync(StoredWebhook webhook, int maxWebhooks, CancellationToken cancellationToken) => Guard(async () =>
    {
        ArgumentNullException.ThrowIfNull(webhook);
        // The bound is checked in the insert itself; two admins adding the last one at once on two nodes may pass it by one.
        await using var connection = await OpenAsync(cancellationToken);
        return await RunAsync(connection, null, """
            INSERT INTO webhooks (id, url, rooms, secret, created_at)
            SELECT @id, @url, @rooms, @secret, @at WHERE (SELECT COUNT(*) FROM webhooks) < @max;
            """,
            cancellationToken,
            ("@id", DbType.String, webhook.Id),
            ("@url", DbType.String, webhook.Url),
            ("@rooms", DbType.String, webhook.Rooms is null ? null : JsonSerializer.Serialize(webhook.Rooms)),
            ("@secret", DbType.String, webhook.Secret),
            ("@at", DbType.Int64, ToUnixMilliseconds(webhook.CreatedAt)),
            ("@max", DbType.Int64, (long)maxWebhooks)) == 1;
    });

    public Task<IReadOnlyList<StoredWebhook>> GetWebhooksAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT id, url, rooms, secret, created_at FROM webhooks ORDER BY created_at, id;";
        var webhooks = new List<StoredWebhook>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            webhooks.Add(new StoredWebhook(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : JsonSerializer.Deserialize<string[]>(reader.GetString(2)),
                reader.GetString(3),
                FromUnixMilliseconds(reader.GetInt64(4))));
        }

        return (IReadOnlyList<StoredWebhook>)webhooks;
    });

    public Task<bool> DeleteWebhookAsync(string id, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await RunAsync(connection, transaction, "DELETE FROM webhooks WHERE id = @id;", cancellationToken, ("@id", DbType.String, id));
        await RunAsync(connection, transaction, "DELETE FROM webhook_cursors WHERE webhook_id = @id;", cancellationToken, ("@id", DbType.String, id));
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    });

    public Task<IReadOnlyDictionary<string, long>> GetRoomLatestIdsAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT name, last_id FROM rooms;";
        var rooms = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rooms[reader.GetString(0)] = reader.GetInt64(1);
        }

        return (IReadOnlyDictionary<string, long>)rooms;
    });

    public Task<IReadOnlyDictionary<(string WebhookId, string Room), long>> GetWebhookCursorsAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT webhook_id, room, last_id FROM webhook_cursors;";
        var cursors = new Dictionary<(string, string), long>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cursors[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return (IReadOnlyDictionary<(string WebhookId, string Room), long>)cursors;
    });

    public Task<WebhookLease?> TryLeaseWebhookRoomAsync(string webhookId, string room, string owner, TimeSpan duration, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        // A pair's row is made on its first lease, and only while the webhook exists (a delete takes its rows).
        await RunAsync(connection, null, """
            INSERT INTO webhook_cursors (webhook_id, room, last_id, failures, lease_owner, lease_until)
            SELECT @webhook, @room, 0, 0, NULL, 0 WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = @webhook)
            ON CONFLICT (webhook_id, room) DO NOTHING;
            """,
            cancellationToken,
            ("@webhook", DbType.String, webhookId),
            ("@room", DbType.String, room));
        await using var lease = connection.CreateCommand();
        lease.CommandText = $"""
            UPDATE webhook_cursors SET lease_owner = @owner, lease_until = {NowSql} + @duration
            WHERE webhook_id = @webhook AND room = @room AND (lease_until < {NowSql} OR lease_owner = @owner)
            RETURNING last_id, failures;
            """;
        AddParameter(lease, "@owner", DbType.String, owner);
        AddParameter(lease, "@duration", DbType.Int64, (long)duration.TotalMilliseconds);
        AddParameter(lease, "@webhook", DbType.String, webhookId);
        AddParameter(lease, "@room", DbType.String, room);
        await using var reader = await lease.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new WebhookLease(reader.GetInt64(0), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture))
            : null;
    });

    public Task<bool> AdvanceWebhookCursorAsync(string webhookId, string room, string owner, long lastId, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await RunAsync(connection, null, """
            UPDATE webhook_cursors SET last_id = @last, failures = 0, lease_owner = NULL, lease_until = 0
            WHERE webhook_id = @webhook AND room = @room AND lease_owner = @owner AND last_id < @last;
            """,
            cancellationToken,
            ("@last", DbType.Int64, lastId),
            ("@webhook", DbType.String, webhookId),
            ("@room", DbType.String, room),
            ("@owner", DbType.String, owner)) == 1;
    });

    public Task HoldWebhookRoomAsync(string webhookId, string room, string owner, TimeSpan retryAfter, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await RunAsync(connection, null, $"""
            UPDATE webhook_cursors SET failures = failures + 1, lease_until = {NowSql} + @after
            WHERE webhook_id = @webhook AND room = @room AND lease_owner = @owner;
            """,
            cancellationToken,
            ("@after", DbType.Int64, (long)retryAfter.TotalMilliseconds),
            ("@webhook", DbType.String, webhookId),
            ("@room", DbType.String, room),
            ("@owner", DbType.String, owner));
    });

    public Task ReleaseWebhookRoomAsync(string webhookId, string room, string owner, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await RunAsync(connection, null, """
            UPDATE webhook_cursors SET lease_owner = NULL, lease_until = 0
            WHERE webhook_id = @webhook AND room = @room AND lease_owner = @owner AND failures = 0;
            """,
            cancellationToken,
            ("@webhook", DbType.String, webhookId),
            ("@room", DbType.String, room),
            ("@owner", DbType.String, owner));
    });
}
