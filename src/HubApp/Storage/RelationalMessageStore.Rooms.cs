using System.Data;
using System.Data.Common;
using HubApp.Contracts;

namespace HubApp.Storage;

// Created rooms, their members, their bans and mutes, and each user's list of rooms. The tables are created with IF NOT
// EXISTS by every start (CreateRoomTablesAsync), so an older database gains them in place, its messages untouched; what
// changes a table that may exist already (who set a sanction and when, schema version 5 of SQLite and 2 of PostgreSQL's
// "rooms") is an upgrade of each store's own. One DDL serves both dialects (text and bigint mean the same to SQLite and
// PostgreSQL); times are Unix milliseconds, as in messages.
internal abstract partial class RelationalMessageStore : IRoomStore
{
    protected const string RoomTablesSql = """
        CREATE TABLE IF NOT EXISTS created_rooms (
            name text NOT NULL PRIMARY KEY, kind text NOT NULL, owner_id text NOT NULL, topic text, created_at bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS room_members (
            room text NOT NULL, user_id text NOT NULL, user_name text NOT NULL, role text NOT NULL, PRIMARY KEY (room, user_id));
        CREATE INDEX IF NOT EXISTS room_members_user ON room_members (user_id, room);
        CREATE INDEX IF NOT EXISTS created_rooms_owner ON created_rooms (owner_id, created_at);
        CREATE TABLE IF NOT EXISTS room_sanctions (
            room text NOT NULL, user_id text NOT NULL, kind integer NOT NULL, until bigint, by_user_id text, set_at bigint,
            PRIMARY KEY (room, user_id, kind));
        CREATE TABLE IF NOT EXISTS user_rooms (
            user_id text NOT NULL, room text NOT NULL, added_at bigint NOT NULL, PRIMARY KEY (user_id, room));
        """;

    public Task<StoredRoom> GetRoomAsync(string room, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT user_id, kind, until, by_user_id, set_at FROM room_sanctions WHERE room = @room;
            SELECT COALESCE(MAX(last_id), 0) FROM rooms WHERE name = @room;
            SELECT kind, owner_id, topic, created_at FROM created_rooms WHERE name = @room;
            SELECT user_id, user_name, role FROM room_members WHERE room = @room ORDER BY user_id;
            """;
        AddParameter(query, "@room", DbType.String, room);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var sanctions = new List<StoredSanction>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sanctions.Add(new StoredSanction(
                reader.GetString(0),
                (SanctionKind)reader.GetInt32(1),
                reader.IsDBNull(2) ? null : FromUnixMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? DateTime.UnixEpoch : FromUnixMilliseconds(reader.GetInt64(4))));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var latestId = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return StoredRoom.Open(room, sanctions, latestId);
        }

        var (kind, owner, topic, createdAt) = (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), FromUnixMilliseconds(reader.GetInt64(3)));
        var members = new List<StoredMember>();
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(new StoredMember(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return new StoredRoom(room, kind, owner, topic, createdAt, members, sanctions, latestId);
    });

    public Task<RoomCreation> CreateRoomAsync(NewRoom room, bool claimOpen, CancellationToken cancellationToken) => InTransactionAsync(async (connection, transaction) =>
    {
        if (room.Quota is { } quota && await OverQuotaAsync(connection, transaction, room, quota, cancellationToken) is { } refused)
        {
            return refused;
        }

        // "Taken" is decided by the statement itself (a row here, or an open room's messages), so two nodes creating one
        // name at once cannot both succeed.
        var created = await RunAsync(connection, transaction, """
            INSERT INTO created_rooms (name, kind, owner_id, topic, created_at)
            SELECT @room, @kind, @user, @topic, @at WHERE @claim = 1 OR NOT EXISTS (SELECT 1 FROM rooms WHERE name = @room AND last_id > 0)
            ON CONFLICT (name) DO NOTHING;
            """,
            cancellationToken,
            ("@room", DbType.String, room.Name),
            ("@kind", DbType.String, room.Kind),
            ("@user", DbType.String, room.OwnerId),
            ("@topic", DbType.String, room.Topic),
            ("@at", DbType.Int64, ToUnixMilliseconds(room.CreatedAt)),
            ("@claim", DbType.Int32, claimOpen ? 1 : 0)) == 1;
        if (created)
        {
            // Bans and mutes an admin set while the room was open stay in force in the room it becomes.
            await UpsertMemberAsync(connection, transaction, room.Name, room.OwnerId, room.OwnerName, RoomRoles.Owner, cancellationToken);
        }

        return created ? RoomCreation.Created : RoomCreation.Taken;
    }, cancellationToken);

    /// <summary>
    /// A statement that takes a lock on the owner <c>@key</c> until the transaction ends, where several nodes write one
    /// database (their counts must not both read 19 of 20); null where one writer at a time has the database (SQLite).
    /// </summary>
    protected virtual string? OwnerLockSql => null;

    // The owner's rooms made in the hour before this one, and all they own, read after their lock: what the insert decides on.
    private async Task<RoomCreation?> OverQuotaAsync(DbConnection connection, DbTransaction transaction, NewRoom room, RoomQuota quota, CancellationToken cancellationToken)
    {
        if (OwnerLockSql is { } lockSql)
        {
            await RunAsync(connection, transaction, lockSql, cancellationToken, ("@key", DbType.String, room.OwnerId));
        }

        await using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT COUNT(*), COUNT(CASE WHEN created_at > @since THEN 1 END) FROM created_rooms WHERE owner_id = @user;";
        AddParameter(count, "@user", DbType.String, room.OwnerId);
        AddParameter(count, "@since", DbType.Int64, ToUnixMilliseconds(room.CreatedAt - TimeSpan.FromHours(1)));
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (owned, lastHour) = (reader.GetInt64(0), reader.GetInt64(1));
        return owned >= quota.MaxOwned ? RoomCreation.TooManyOwned
            : lastHour >= quota.PerHour ? RoomCreation.HourlyAllowanceSpent
            : null;
    }

    public Task SetTopicAsync(string room, string? topic, CancellationToken cancellationToken) => InTransactionAsync((connection, transaction) =>
        RunAsync(connection, transaction, "UPDATE created_rooms SET topic = @topic WHERE name = @room;", cancellationToken, ("@room", DbType.String, room), ("@topic", DbType.String, topic)), cancellationToken);

    public Task AddMemberAsync(string room, string userId, string userName, CancellationToken cancellationToken) => InTransactionAsync((connection, transaction) =>
        RunAsync(connection, transaction, """
            INSERT INTO room_members (room, user_id, user_name, role) VALUES (@room, @user, @name, @role)
            ON CONFLICT (room, user_id) DO NOTHING;
            """,
            cancellationToken,
            ("@room", DbType.String, room),
            ("@user", DbType.String, userId),
            ("@name", DbType.String, userName),
            ("@role", DbType.String, RoomRoles.Member)), cancellationToken);

    public Task<bool> SetRoleAsync(string room, string? byOwnerId, string userId, string userName, string role, CancellationToken cancellationToken) => InTransactionAsync(async (connection, transaction) =>
    {
        // The owner is tested by the statement that changes it (see IRoomStore.SetRoleAsync), never by an earlier read.
        var decided = await RunAsync(connection, transaction, """
            UPDATE created_rooms SET owner_id = CASE WHEN @role = 'owner' THEN @user ELSE owner_id END
            WHERE name = @room AND (@by IS NULL OR owner_id = @by) AND (@role = 'owner' OR owner_id <> @user);
            """,
            cancellationToken,
            ("@room", DbType.String, room),
            ("@by", DbType.String, byOwnerId),
            ("@user", DbType.String, userId),
            ("@role", DbType.String, role)) == 1;
        if (!decided)
        {
            return false;
        }

        if (role == RoomRoles.Owner)
        {
            await RunAsync(connection, transaction, "UPDATE room_members SET role = @moderator WHERE room = @room AND role = @owner AND user_id <> @user;", cancellationToken, ("@room", DbType.String, room), ("@user", DbType.String, userId), ("@owner", DbType.String, RoomRoles.Owner), ("@moderator", DbType.String, RoomRoles.Moderator));
        }

        await UpsertMemberAsync(connection, transaction, room, userId, userName, role, cancellationToken);
        return true;
    }, cancellationToken);

    public Task RemoveMemberAsync(string room, string userId, CancellationToken cancellationToken) => InTransactionAsync((connection, transaction) =>
        RunAsync(connection, transaction, "DELETE FROM room_members WHERE room = @room AND user_id = @user;", cancellationToken, ("@room", DbType.String, room), ("@user", DbType.String, userId)), cancellationToken);

    public Task SetSanctionAsync(string room, string userId, SanctionKind kind, DateTime? until, string? byUserId, DateTime at, CancellationToken cancellationToken) => InTransactionAsync(async (connection, transaction) =>
    {
        if (kind == SanctionKind.Ban)
        {
            await RunAsync(connection, transaction, "DELETE FROM room_members WHERE room = @room AND user_id = @user;", cancellationToken, ("@room", DbType.String, room), ("@user", DbType.String, userId));
        }

        return await RunAsync(connection, transaction, """
            INSERT INTO room_sanctions (room, user_id, kind, until, by_user_id, set_at) VALUES (@room, @user, @kind, @until, @by, @at)
            ON CONFLICT (room, user_id, kind) DO UPDATE SET until = excluded.until, by_user_id = excluded.by_user_id, set_at = excluded.set_at;
            """,
            cancellationToken,
            ("@room", DbType.String, room),
            ("@user", DbType.String, userId),
            ("@kind", DbType.Int32, (int)kind),
            ("@until", DbType.Int64, until is { } end ? ToUnixMilliseconds(end) : null),
            ("@by", DbType.String, byUserId),
            ("@at", DbType.Int64, ToUnixMilliseconds(at)));
    }, cancellationToken);

    public Task RemoveSanctionAsync(string room, string userId, SanctionKind kind, CancellationToken cancellationToken) => InTransactionAsync((connection, transaction) =>
        RunAsync(connection, transaction, "DELETE FROM room_sanctions WHERE room = @room AND user_id = @user AND kind = @kind;", cancellationToken, ("@room", DbType.String, room), ("@user", DbType.String, userId), ("@kind", DbType.Int32, (int)kind)), cancellationToken);

    public Task<IReadOnlyList<RoomListing>> ListRoomsAsync(string userId, bool allPrivate, string? query, int limit, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The latest entry of a room is one step down its (room, id) key; rooms are few next to their messages.
        command.CommandText = """
            SELECT name, kind, topic, last_id, last_at FROM (
                SELECT n.name, COALESCE(c.kind, 'open') AS kind, c.topic, COALESCE(r.last_id, 0) AS last_id,
                    (SELECT m.sent_at FROM messages m WHERE m.room = n.name ORDER BY m.id DESC LIMIT 1) AS last_at, c.created_at
                FROM (SELECT name FROM rooms WHERE last_id > 0 UNION SELECT name FROM created_rooms) AS n
                LEFT JOIN rooms r ON r.name = n.name
                LEFT JOIN created_rooms c ON c.name = n.name
                WHERE (c.kind IS NULL OR c.kind = 'public' OR @all = 1 OR EXISTS (SELECT 1 FROM room_members WHERE room = n.name AND user_id = @user))
                    AND (@query IS NULL OR lower(n.name) LIKE @query ESCAPE '\' OR lower(COALESCE(c.topic, '')) LIKE @query ESCAPE '\')) AS listed
            ORDER BY COALESCE(last_at, created_at, 0) DESC, name
            LIMIT @limit;
            """;
        AddParameter(command, "@user", DbType.String, userId);
        AddParameter(command, "@all", DbType.Int32, allPrivate ? 1 : 0);
        AddParameter(command, "@query", DbType.String, query is null ? null : "%" + EscapeLike(query) + "%");
        AddParameter(command, "@limit", DbType.Int32, limit);
        var rooms = new List<RoomListing>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rooms.Add(new RoomListing(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3),
                reader.IsDBNull(4) ? null : FromUnixMilliseconds(reader.GetInt64(4))));
        }

        return (IReadOnlyList<RoomListing>)rooms;
    });

    /// <summary>Creates the room tables where they are missing; every start runs it, after the versioned migrations.</summary>
    protected static Task CreateRoomTablesAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, RoomTablesSql, cancellationToken);

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static Task<int> UpsertMemberAsync(DbConnection connection, DbTransaction transaction, string room, string userId, string userName, string role, CancellationToken cancellationToken) =>
        RunAsync(connection, transaction, """
            INSERT INTO room_members (room, user_id, user_name, role) VALUES (@room, @user, @name, @role)
            ON CONFLICT (room, user_id) DO UPDATE SET role = excluded.role, user_name = excluded.user_name;
            """,
            cancellationToken,
            ("@room", DbType.String, room),
            ("@user", DbType.String, userId),
            ("@name", DbType.String, userName),
            ("@role", DbType.String, role));

    private Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    });

    private static async Task<int> RunAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, DbType Type, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, type, value) in parameters)
        {
            AddParameter(command, name, type, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
