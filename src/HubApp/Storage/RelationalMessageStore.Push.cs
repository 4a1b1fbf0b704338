using System.Data;

namespace HubApp.Storage;

// Push subscriptions and the shared VAPID key pair: tables that only add, the same SQL on both engines (SQLite takes
// bigint and text as it takes INTEGER and TEXT). Created by each engine's initialization (PushTablesSql); outside the
// SQLite store's numbered versions, and PostgreSQL's component "push".
internal abstract partial class RelationalMessageStore : IPushSubscriptionStore
{
    /// <summary>Idempotent DDL of the push tables.</summary>
    protected const string PushTablesSql = """
        CREATE TABLE IF NOT EXISTS push_subscriptions (
            endpoint text PRIMARY KEY, user_id text NOT NULL, p256dh text NOT NULL, auth text NOT NULL, seq bigint NOT NULL);
        CREATE INDEX IF NOT EXISTS push_subscriptions_user ON push_subscriptions (user_id, seq);
        CREATE TABLE IF NOT EXISTS push_vapid_keys (
            id integer PRIMARY KEY CHECK (id = 1), public_key text NOT NULL, private_key text NOT NULL);
        """;

    // A subscription's place in its user's order: microseconds, strictly increasing within the process, so that two saves
    // in one tick still have an order (across nodes, the clock's order is good enough for "the oldest goes").
    private static readonly Lock SeqLock = new();
    private static long _lastSeq;

    public Task SaveAsync(PushSubscriptionRecord subscription, int maxPerUser, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, seq) VALUES (@endpoint, @user, @p256dh, @auth, @seq)
            ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, seq = excluded.seq;
            DELETE FROM push_subscriptions WHERE user_id = @user AND endpoint NOT IN (
                SELECT endpoint FROM push_subscriptions WHERE user_id = @user ORDER BY seq DESC, endpoint LIMIT @max);
            """;
        AddParameter(command, "@endpoint", DbType.String, subscription.Endpoint);
        AddParameter(command, "@user", DbType.String, subscription.UserId);
        AddParameter(command, "@p256dh", DbType.String, subscription.P256dh);
        AddParameter(command, "@auth", DbType.String, subscription.Auth);
        AddParameter(command, "@seq", DbType.Int64, NextSeq());
        AddParameter(command, "@max", DbType.Int32, maxPerUser);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return 0;
    });

    public Task<bool> RemoveAsync(string userId, string endpoint, CancellationToken cancellationToken) => Guard(async () =>
        await DeleteSubscriptionAsync("DELETE FROM push_subscriptions WHERE endpoint = @endpoint AND user_id = @user;", endpoint, userId, cancellationToken) > 0);

    public Task RemoveEndpointAsync(string endpoint, CancellationToken cancellationToken) =>
        Guard(() => DeleteSubscriptionAsync("DELETE FROM push_subscriptions WHERE endpoint = @endpoint;", endpoint, null, cancellationToken));

    public Task<IReadOnlyList<PushSubscriptionRecord>> ListAsync(string userId, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = @user ORDER BY seq DESC;";
        AddParameter(query, "@user", DbType.String, userId);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var found = new List<PushSubscriptionRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new PushSubscriptionRecord(userId, reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return (IReadOnlyList<PushSubscriptionRecord>)found;
    });

    public Task<VapidKeyPair> GetOrAddVapidKeysAsync(VapidKeyPair candidate, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // One statement pair on one connection: the insert loses to a pair stored first (by any node), the select reads the winner.
        command.CommandText = """
            INSERT INTO push_vapid_keys (id, public_key, private_key) VALUES (1, @public, @private) ON CONFLICT (id) DO NOTHING;
            SELECT public_key, private_key FROM push_vapid_keys WHERE id = 1;
            """;
        AddParameter(command, "@public", DbType.String, candidate.PublicKey);
        AddParameter(command, "@private", DbType.String, candidate.PrivateKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (!await reader.ReadAsync(cancellationToken))
        {
            if (!await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("The VAPID key pair was not stored.");
            }
        }

        return new VapidKeyPair(reader.GetString(0), reader.GetString(1));
    });

    private async Task<int> DeleteSubscriptionAsync(string sql, string endpoint, string? userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameter(command, "@endpoint", DbType.String, endpoint);
        if (userId is not null)
        {
            AddParameter(command, "@user", DbType.String, userId);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static long NextSeq()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        lock (SeqLock)
        {
            _lastSeq = Math.Max(now, _lastSeq + 1);
            return _lastSeq;
        }
    }
}
