using System.Data;
using HubApp.Contracts;

namespace HubApp.Storage;

// Uploads (contract v3, "Attachments"): one row per upload in the attachments table (SQLite: added with version 9;
// PostgreSQL: the 'attachments' component, version 1). An upload belongs to its uploader and to one room (log = the room,
// direct = 0) or conversation (log = the conversation key, direct = 1) until a message of that log claims it inside the
// append's transaction (message_id set); the message's row then carries the descriptions (AttachmentSummary), so reads
// need no join. The bytes live elsewhere (the attachment content provider), under the same id.
internal abstract partial class RelationalMessageStore : IAttachmentStore
{
    /// <summary>The table and its indexes; idempotent, the same text for both engines.</summary>
    protected const string AttachmentTableSql = """
        CREATE TABLE IF NOT EXISTS attachments (
            id text NOT NULL PRIMARY KEY, owner_id text NOT NULL, log text NOT NULL, direct integer NOT NULL,
            name text NOT NULL, content_type text NOT NULL, size bigint NOT NULL, width integer, height integer,
            created_at bigint NOT NULL, message_id bigint);
        CREATE INDEX IF NOT EXISTS attachments_message ON attachments (log, message_id) WHERE message_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS attachments_unused ON attachments (created_at) WHERE message_id IS NULL;
        """;

    private const string AttachmentColumns = "id, owner_id, log, direct, name, content_type, size, width, height, created_at, message_id";

    public Task AddUploadAsync(StoredAttachment upload, CancellationToken cancellationToken) => Guard(async () =>
    {
        ArgumentNullException.ThrowIfNull(upload);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO attachments ({AttachmentColumns})
            VALUES (@id, @owner, @log, @direct, @name, @type, @size, @width, @height, @created, NULL);
            """;
        AddParameter(command, "@id", DbType.String, upload.Id);
        AddParameter(command, "@owner", DbType.String, upload.OwnerId);
        AddParameter(command, "@log", DbType.String, upload.Log);
        AddParameter(command, "@direct", DbType.Int32, upload.Direct ? 1 : 0);
        AddParameter(command, "@name", DbType.String, upload.Name);
        AddParameter(command, "@type", DbType.String, upload.ContentType);
        AddParameter(command, "@size", DbType.Int64, upload.Size);
        AddParameter(command, "@width", DbType.Int32, upload.Width);
        AddParameter(command, "@height", DbType.Int32, upload.Height);
        AddParameter(command, "@created", DbType.Int64, ToUnixMilliseconds(upload.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return 0;
    });

    public Task<StoredAttachment?> FindUploadAsync(string id, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Live: the message that claimed it is still stored (not pruned) and not deleted.
        command.CommandText = $"""
            SELECT {AttachmentColumns},
                CASE WHEN message_id IS NULL THEN 0
                     WHEN direct = 0 THEN (SELECT COUNT(*) FROM messages m WHERE m.room = a.log AND m.id = a.message_id AND m.deleted_at IS NULL)
                     ELSE (SELECT COUNT(*) FROM direct_messages d WHERE d.id = a.message_id AND d.conversation = a.log AND d.deleted_at IS NULL) END
            FROM attachments a WHERE id = @id;
            """;
        AddParameter(command, "@id", DbType.String, id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredAttachment(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture) != 0,
            reader.GetString(4), reader.GetString(5), reader.GetInt64(6),
            reader.IsDBNull(7) ? null : Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
            reader.IsDBNull(8) ? null : Convert.ToInt32(reader.GetValue(8), System.Globalization.CultureInfo.InvariantCulture),
            FromUnixMilliseconds(reader.GetInt64(9)),
            reader.IsDBNull(10) ? null : reader.GetInt64(10),
            Convert.ToInt64(reader.GetValue(11), System.Globalization.CultureInfo.InvariantCulture) > 0);
    });

    public Task RemoveUnusedUploadAsync(string id, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM attachments WHERE id = @id AND message_id IS NULL;";
        AddParameter(command, "@id", DbType.String, id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return 0;
    });

    public Task<IReadOnlyList<string>> RemoveUnusedUploadsAsync(DateTime createdBefore, int limit, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // message_id IS NULL on the row itself too: PostgreSQL re-checks it on a row a post claimed (and locked) meanwhile,
        // and then leaves it.
        command.CommandText = """
            DELETE FROM attachments WHERE message_id IS NULL AND created_at < @before
            AND id IN (SELECT id FROM attachments WHERE message_id IS NULL AND created_at < @before ORDER BY created_at LIMIT @limit)
            RETURNING id;
            """;
        AddParameter(command, "@before", DbType.Int64, ToUnixMilliseconds(createdBefore));
        AddParameter(command, "@limit", DbType.Int32, limit);
        var removed = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            removed.Add(reader.GetString(0));
        }

        return (IReadOnlyList<string>)removed;
    });

    public Task<IReadOnlySet<string>> FindKnownUploadsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) => Guard(async () =>
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(100))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT id FROM attachments WHERE id IN ({IdParameters(chunk.Length)});";
            foreach (var (name, type, value) in IdValues(chunk))
            {
                AddParameter(command, name, type, value);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                known.Add(reader.GetString(0));
            }
        }

        return (IReadOnlySet<string>)known;
    });

    public Task<long> UnusedBytesAsync(string ownerId, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Along the unused uploads' index: they are few (each user's are bounded by this very check).
        command.CommandText = "SELECT COALESCE(SUM(size), 0) FROM attachments WHERE message_id IS NULL AND owner_id = @owner;";
        AddParameter(command, "@owner", DbType.String, ownerId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    });

    public Task<long> CountUploadsAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM attachments;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>
    /// Whether every one of <paramref name="ids"/> is an unused upload of <paramref name="userId"/>'s for this log, and none is
    /// taken by an earlier write of the batch (<paramref name="claimed"/>, which gains them when they fit). The rows are locked
    /// (PostgreSQL) until the batch commits, so a writer on another node waits and then finds them used.
    /// </summary>
    private async Task<bool> UploadsFitAsync(
        WriterSession session, string log, bool direct, string userId, IReadOnlyList<string> ids, HashSet<string> claimed, CancellationToken cancellationToken)
    {
        if (ids.Any(claimed.Contains))
        {
            return false;
        }

        await using var command = Prepare(
            session,
            $"""
            SELECT id FROM attachments
            WHERE id IN ({IdParameters(ids.Count)}) AND owner_id = @user AND log = @log AND direct = @direct AND message_id IS NULL
            ORDER BY id {RowLockSql};
            """,
            [("@user", DbType.String, userId), ("@log", DbType.String, log), ("@direct", DbType.Int32, direct ? 1 : 0), .. IdValues(ids)]);
        var found = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found++;
            }
        }

        if (found != ids.Count)
        {
            return false;
        }

        claimed.UnionWith(ids);
        return true;
    }

    /// <summary>The descriptions of uploads found fit (<see cref="UploadsFitAsync"/>), in the draft's order: what the message's row keeps.</summary>
    private static async Task<IReadOnlyList<Attachment>> DescribeUploadsAsync(WriterSession session, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        await using var command = Prepare(
            session, $"SELECT id, name, content_type, size, width, height FROM attachments WHERE id IN ({IdParameters(ids.Count)});", IdValues(ids));
        var found = new Dictionary<string, Attachment>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(0)] = StoredAttachment.Describe(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3),
                reader.IsDBNull(4) ? null : Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(5) ? null : Convert.ToInt32(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture));
        }

        return [.. ids.Select(id => found[id])];
    }

    /// <summary>Marks the uploads as used by message <paramref name="messageId"/> of their log.</summary>
    private static Task ClaimUploadsAsync(WriterSession session, IReadOnlyList<string> ids, long messageId, CancellationToken cancellationToken) =>
        ExecuteAsync(
            session,
            $"UPDATE attachments SET message_id = @message WHERE id IN ({IdParameters(ids.Count)});",
            cancellationToken,
            [("@message", DbType.Int64, messageId), .. IdValues(ids)]);

    // One parameter per id (at most Attachments:MaxPerMessage): the statement never holds a value of the caller's.
    private static string IdParameters(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"@a{i}"));

    private static (string Name, DbType Type, object Value)[] IdValues(IReadOnlyList<string> ids) =>
        [.. ids.Select((id, i) => ($"@a{i}", DbType.String, (object)id))];
}
