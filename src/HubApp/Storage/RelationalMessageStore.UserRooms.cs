using System.Data;
using System.Data.Common;

namespace HubApp.Storage;

// Each user's list of rooms (user_rooms; SQLite schema version 5, PostgreSQL "rooms" version 2). The table is in
// RoomTablesSql, so it is made like the other room tables; BackfillUserRoomsSql fills it once, on the upgrade, from what an
// older database knows of who was in which room: memberships and read markers (not where the user is banned).
internal abstract partial class RelationalMessageStore : IUserRoomStore
{
    /// <summary>The upgrade's fill of user_rooms, as added at <paramref name="at"/> (Unix milliseconds).</summary>
    protected static string BackfillUserRoomsSql(long at) => $"""
        INSERT INTO user_rooms (user_id, room, added_at)
        SELECT user_id, room, {at} FROM (SELECT user_id, room FROM room_members UNION SELECT user_id, room FROM read_markers) AS known
        WHERE NOT EXISTS (SELECT 1 FROM room_sanctions s WHERE s.room = known.room AND s.user_id = known.user_id AND s.kind = 1)
        ON CONFLICT (user_id, room) DO NOTHING;
        """;

    public Task<UserRoomAddition> AddUserRoomAsync(string userId, string room, int max, DateTime at, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        // A read first: nearly every join is of a room already listed (a reconnect re-joins them all), and a read takes no write lock.
        if (await IsListedAsync(connection, userId, room, cancellationToken))
        {
            return UserRoomAddition.AlreadyListed;
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO user_rooms (user_id, room, added_at)
            SELECT @user, @room, @at WHERE (SELECT COUNT(*) FROM user_rooms WHERE user_id = @user) < @max
            ON CONFLICT (user_id, room) DO NOTHING;
            """;
        AddParameter(insert, "@user", DbType.String, userId);
        AddParameter(insert, "@room", DbType.String, room);
        AddParameter(insert, "@at", DbType.Int64, ToUnixMilliseconds(at));
        AddParameter(insert, "@max", DbType.Int32, max);
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return UserRoomAddition.Added;
        }

        // Nothing inserted: listed meanwhile (another connection's join), or the list is full.
        return await IsListedAsync(connection, userId, room, cancellationToken) ? UserRoomAddition.AlreadyListed : UserRoomAddition.ListFull;
    });

    public Task<bool> RemoveUserRoomAsync(string userId, string room, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM user_rooms WHERE user_id = @user AND room = @room;";
        AddParameter(delete, "@user", DbType.String, userId);
        AddParameter(delete, "@room", DbType.String, room);
        return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
    });

    public Task<IReadOnlyList<UserRoomRow>> GetUserRoomsAsync(string userId, string? room, int limit, int maxUnread, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        // Per listed room: the latest entry one step down its (room, id) key, the marker by its key, and the unread
        // entries and the user's mention rows counted along their keys from the marker, bounded (as GetRoomReadStateAsync counts them).
        query.CommandText = """
            SELECT room, kind, topic, last_id, last_at, last_read, unread, mentioned FROM (
                SELECT u.room, COALESCE(c.kind, 'open') AS kind, c.topic, COALESCE(r.last_id, 0) AS last_id,
                    (SELECT m.sent_at FROM messages m WHERE m.room = u.room ORDER BY m.id DESC LIMIT 1) AS last_at,
                    COALESCE(k.last_read_id, 0) AS last_read,
                    (SELECT COUNT(*) FROM (
                        SELECT 1 FROM messages m WHERE m.room = u.room AND m.user_id <> @user AND m.kind = 'message'
                        AND m.id > COALESCE(k.last_read_id, 0) LIMIT @max) AS unread_rows) AS unread,
                    (SELECT COUNT(*) FROM (
                        SELECT 1 FROM message_mentions n WHERE n.user_id = @mention AND n.room = u.room
                        AND n.id > COALESCE(k.last_read_id, 0) LIMIT @max) AS mention_rows) AS mentioned,
                    u.added_at
                FROM user_rooms u
                LEFT JOIN rooms r ON r.name = u.room
                LEFT JOIN created_rooms c ON c.name = u.room
                LEFT JOIN read_markers k ON k.user_id = u.user_id AND k.room = u.room
                WHERE u.user_id = @user AND (@room IS NULL OR u.room = @room)) AS listed
            ORDER BY COALESCE(last_at, added_at) DESC, room
            LIMIT @limit;
            """;
        AddParameter(query, "@user", DbType.String, userId);
        AddParameter(query, "@room", DbType.String, room);
        AddParameter(query, "@mention", DbType.String, userId.ToLowerInvariant());
        AddParameter(query, "@max", DbType.Int32, maxUnread);
        AddParameter(query, "@limit", DbType.Int32, limit);
        var rows = new List<UserRoomRow>();
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UserRoomRow(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3),
                reader.IsDBNull(4) ? null : FromUnixMilliseconds(reader.GetInt64(4)), reader.GetInt64(5), Convert.ToInt32(reader.GetValue(6), culture),
                Convert.ToInt32(reader.GetValue(7), culture)));
        }

        return (IReadOnlyList<UserRoomRow>)rows;
    });

    private static async Task<bool> IsListedAsync(DbConnection connection, string userId, string room, CancellationToken cancellationToken)
    {
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT 1 FROM user_rooms WHERE user_id = @user AND room = @room;";
        AddParameter(query, "@user", DbType.String, userId);
        AddParameter(query, "@room", DbType.String, room);
        return await query.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
    }
}
