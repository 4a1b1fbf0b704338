using System.Data;

namespace HubApp.Storage;

// Read markers (schema version 3): read_markers holds a user's marker per room; a conversation's is in its direct_threads
// row. Each move is one conditional statement, so concurrent moves on any number of nodes keep the marker monotonic: the
// database re-checks "greater than the stored one" under the row's lock (PostgreSQL re-evaluates the WHERE on the row it
// waited for; SQLite has one writer). The clamp to the newest id is taken from the same statement's rows.
internal abstract partial class RelationalMessageStore
{
    public Task<long?> MoveRoomMarkerAsync(string userId, string room, long messageId, CancellationToken cancellationToken) => MoveMarkerAsync(
        """
        INSERT INTO read_markers (user_id, room, last_read_id)
        SELECT @user, name, CASE WHEN last_id < @id THEN last_id ELSE @id END FROM rooms WHERE name = @key AND @id > 0
        ON CONFLICT (user_id, room) DO UPDATE SET last_read_id = excluded.last_read_id WHERE read_markers.last_read_id < excluded.last_read_id
        RETURNING last_read_id;
        """,
        userId,
        room,
        messageId,
        cancellationToken);

    public Task<long?> MoveDirectMarkerAsync(string userId, string otherUserId, long messageId, CancellationToken cancellationToken) => MoveMarkerAsync(
        """
        UPDATE direct_threads SET last_read_id = CASE WHEN last_id < @id THEN last_id ELSE @id END
        WHERE user_id = @user AND other_user_id = @key AND last_read_id < CASE WHEN last_id < @id THEN last_id ELSE @id END
        RETURNING last_read_id;
        """,
        userId,
        otherUserId,
        messageId,
        cancellationToken);

    public Task<RoomReadState> GetRoomReadStateAsync(string userId, string room, int maxUnread, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        // One statement over three primary keys: the marker, and the room's entries after it (by id) by others, and the user's
        // mention rows after it, bounded. Only message entries count: an edit or delete is no news to be read (docs/protocol.md,
        // "ChatMessage"); mention rows exist only for message entries by others.
        query.CommandText = """
            SELECT (SELECT COALESCE(MAX(last_read_id), 0) FROM read_markers WHERE user_id = @user AND room = @room),
                (SELECT COUNT(*) FROM (
                    SELECT 1 FROM messages WHERE room = @room AND user_id <> @user AND kind = 'message'
                    AND id > (SELECT COALESCE(MAX(last_read_id), 0) FROM read_markers WHERE user_id = @user AND room = @room) LIMIT @max) AS unread),
                (SELECT COUNT(*) FROM (
                    SELECT 1 FROM message_mentions WHERE user_id = @mention AND room = @room
                    AND id > (SELECT COALESCE(MAX(last_read_id), 0) FROM read_markers WHERE user_id = @user AND room = @room) LIMIT @max) AS mentioned);
            """;
        AddParameter(query, "@user", DbType.String, userId);
        AddParameter(query, "@mention", DbType.String, userId.ToLowerInvariant());
        AddParameter(query, "@room", DbType.String, room);
        AddParameter(query, "@max", DbType.Int32, maxUnread);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return new RoomReadState(Convert.ToInt64(reader.GetValue(0), culture), Convert.ToInt32(reader.GetValue(1), culture), Convert.ToInt32(reader.GetValue(2), culture));
    });

    private Task<long?> MoveMarkerAsync(string sql, string userId, string key, long messageId, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameter(command, "@user", DbType.String, userId);
        AddParameter(command, "@key", DbType.String, key);
        AddParameter(command, "@id", DbType.Int64, messageId);
        var moved = await command.ExecuteScalarAsync(cancellationToken);
        return moved is null or DBNull ? (long?)null : Convert.ToInt64(moved, System.Globalization.CultureInfo.InvariantCulture);
    });
}
