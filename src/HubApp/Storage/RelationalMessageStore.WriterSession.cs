using System.Data;
using System.Data.Common;
using HubApp.Contracts;

namespace HubApp.Storage;

// The writer's prepared statements (AppendAsync's session).
internal abstract partial class RelationalMessageStore
{
    /// <summary>
    /// The writer's connection with its statements, prepared once and reused for every batch: a batch is then
    /// a run of executions of ready statements, with no SQL parsed on the write path.
    /// </summary>
    private sealed class WriterSession : IAsyncDisposable
    {
        private readonly DbCommand _bump;
        private readonly DbParameter _bumpRoom;
        private readonly DbParameter _bumpCount;
        private readonly DbCommand _pruneCut;
        private readonly DbParameter[] _pruneCutValues;
        private readonly DbCommand _prune;
        private readonly DbParameter _pruneRoom;
        private readonly DbParameter _pruneId;
        private readonly DbCommand _insert;
        private readonly DbParameter[] _insertValues;
        private readonly DbCommand _insertDirect;
        private readonly DbParameter[] _directValues;
        private readonly DbCommand _find;
        private readonly DbParameter[] _findValues;
        private readonly DbCommand _findDirect;
        private readonly DbParameter[] _findDirectValues;
        private readonly DbCommand? _lockKey;
        private readonly DbParameter? _lockKeyValue;
        private readonly DbCommand _thread;
        private readonly DbParameter[] _threadValues;
        private readonly DbCommand _pruneDirect;
        private readonly DbParameter[] _pruneDirectValues;
        private readonly DbCommand _pruneUploads;
        private readonly DbParameter[] _pruneUploadsValues;
        private readonly DbCommand _pruneDirectUploads;
        private readonly DbParameter[] _pruneDirectUploadsValues;

        private readonly Func<DbDataReader, int, string> _readText;

        public WriterSession(DbConnection connection, DbType textType, Func<DbDataReader, int, string> readText, string? keyLockSql)
        {
            _readText = readText;
            Connection = connection;
            _bump = Command("""
                INSERT INTO rooms (name, last_id) VALUES (@room, @count)
                ON CONFLICT (name) DO UPDATE SET last_id = rooms.last_id + @count RETURNING last_id;
                """);
            _bumpRoom = AddParameter(_bump, "@room", DbType.String);
            _bumpCount = AddParameter(_bump, "@count", DbType.Int64);
            // Retention counts message entries (docs/protocol.md, "Replies and threads"): every entry older than the oldest
            // message kept goes, and with it every entry that refers to a message gone (its edits, deletes and reactions, the
            // replies of a thread whose root went, and those replies' own entries) and the mention and reaction rows of all of them.
            // Four statements, once per HistoryPruning.Step writes; the cut is found along the (room, id) key.
            _pruneCut = Command("SELECT id FROM messages WHERE room = @room AND kind = 'message' ORDER BY id DESC LIMIT 1 OFFSET @keep;");
            _pruneCutValues = [AddParameter(_pruneCut, "@room", DbType.String), AddParameter(_pruneCut, "@keep", DbType.Int32)];
            _prune = Command("""
                DELETE FROM reactions WHERE log = @room
                AND (message_id <= @cut OR message_id IN (SELECT r.id FROM messages r WHERE r.room = @room AND r.thread_id <= @cut));
                DELETE FROM message_mentions WHERE room = @room
                AND (id <= @cut OR id IN (SELECT r.id FROM messages r WHERE r.room = @room AND r.thread_id <= @cut));
                DELETE FROM messages WHERE room = @room AND (id <= @cut OR target_id <= @cut OR thread_id <= @cut
                    OR target_id IN (SELECT r.id FROM messages r WHERE r.room = @room AND r.thread_id <= @cut));
                """);
            _pruneRoom = AddParameter(_prune, "@room", DbType.String);
            _pruneId = AddParameter(_prune, "@cut", DbType.Int64);
            // Before _prune, on its conditions: only message entries carry uploads, and a message goes when it is at or
            // before the cut or a reply in a thread whose root is.
            _pruneUploads = Command("""
                DELETE FROM attachments WHERE log = @room AND direct = 0 AND message_id IS NOT NULL
                AND (message_id <= @cut OR message_id IN (SELECT r.id FROM messages r WHERE r.room = @room AND r.thread_id <= @cut))
                RETURNING id;
                """);
            _pruneUploadsValues = [AddParameter(_pruneUploads, "@room", DbType.String), AddParameter(_pruneUploads, "@cut", DbType.Int64)];
            _insert = Command("""
                INSERT INTO messages (room, id, user_id, user_name, text, sent_at, client_message_id, reply_to_id, thread_id, mentions, attachments)
                VALUES (@room, @id, @user_id, @user_name, @text, @sent_at, @client_id, @reply_to, @thread, @mentions, @attachments);
                """);
            _insertValues =
            [
                AddParameter(_insert, "@room", DbType.String), AddParameter(_insert, "@id", DbType.Int64), AddParameter(_insert, "@user_id", DbType.String),
                AddParameter(_insert, "@user_name", DbType.String), AddParameter(_insert, "@text", textType), AddParameter(_insert, "@sent_at", DbType.Int64),
                AddParameter(_insert, "@client_id", DbType.String), AddParameter(_insert, "@reply_to", DbType.Int64), AddParameter(_insert, "@thread", DbType.Int64),
                AddParameter(_insert, "@mentions", DbType.String), AddParameter(_insert, "@attachments", DbType.String),
            ];
            _insertDirect = Command("""
                INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at, client_message_id, conversation, reply_to_id, attachments)
                VALUES (@from, @from_name, @to, @text, @sent_at, @client_id, @conversation, @reply_to, @attachments)
                ON CONFLICT (from_user_id, to_user_id, client_message_id) WHERE client_message_id IS NOT NULL DO NOTHING RETURNING id;
                """);
            _directValues =
            [
                AddParameter(_insertDirect, "@from", DbType.String), AddParameter(_insertDirect, "@from_name", DbType.String),
                AddParameter(_insertDirect, "@to", DbType.String), AddParameter(_insertDirect, "@text", textType), AddParameter(_insertDirect, "@sent_at", DbType.Int64),
                AddParameter(_insertDirect, "@client_id", DbType.String), AddParameter(_insertDirect, "@conversation", DbType.String),
                AddParameter(_insertDirect, "@reply_to", DbType.Int64), AddParameter(_insertDirect, "@attachments", DbType.String),
            ];
            // The first entry in its current state: it may have been edited or deleted since.
            _find = Command($"SELECT {MessageColumns} FROM messages WHERE room = @room AND user_id = @user_id AND client_message_id = @client_id;");
            _findValues = [AddParameter(_find, "@room", DbType.String), AddParameter(_find, "@user_id", DbType.String), AddParameter(_find, "@client_id", DbType.String)];
            // As _find: the first message in its current state.
            _findDirect = Command($"""
                SELECT {DirectColumns} FROM direct_messages
                WHERE from_user_id = @from AND to_user_id = @to AND client_message_id = @client_id;
                """);
            _findDirectValues = [AddParameter(_findDirect, "@from", DbType.String), AddParameter(_findDirect, "@to", DbType.String), AddParameter(_findDirect, "@client_id", DbType.String)];
            // A user's side of a conversation: the newest id, how many messages it ever stored (for pruning), and the other
            // user's name as their latest message carried it (rename: this side receives from the other user).
            _thread = Command("""
                INSERT INTO direct_threads (user_id, other_user_id, other_user_name, last_id, message_count, last_read_id)
                VALUES (@user, @other, @other_name, @last_id, @count, 0)
                ON CONFLICT (user_id, other_user_id) DO UPDATE SET
                    last_id = CASE WHEN excluded.last_id > direct_threads.last_id THEN excluded.last_id ELSE direct_threads.last_id END,
                    message_count = direct_threads.message_count + excluded.message_count,
                    other_user_name = CASE WHEN @rename THEN excluded.other_user_name ELSE direct_threads.other_user_name END
                RETURNING message_count;
                """);
            _threadValues =
            [
                AddParameter(_thread, "@user", DbType.String), AddParameter(_thread, "@other", DbType.String), AddParameter(_thread, "@other_name", DbType.String),
                AddParameter(_thread, "@last_id", DbType.Int64), AddParameter(_thread, "@count", DbType.Int64), AddParameter(_thread, "@rename", DbType.Boolean),
            ];
            // As a room's: retention counts message entries, and the entries that refer to a message gone (its edits, deletes
            // and reactions, whatever their ids) go with it.
            _pruneDirect = Command("""
                DELETE FROM reactions WHERE log = @conversation
                AND message_id <= (SELECT id FROM direct_messages WHERE conversation = @conversation AND kind = 'message' ORDER BY id DESC LIMIT 1 OFFSET @keep);
                DELETE FROM direct_messages WHERE conversation = @conversation
                AND (SELECT id FROM direct_messages WHERE conversation = @conversation AND kind = 'message' ORDER BY id DESC LIMIT 1 OFFSET @keep)
                    >= CASE WHEN target_id IS NULL THEN id ELSE target_id END;
                """);
            _pruneDirectValues = [AddParameter(_pruneDirect, "@conversation", DbType.String), AddParameter(_pruneDirect, "@keep", DbType.Int32)];
            _pruneDirectUploads = Command("""
                DELETE FROM attachments WHERE log = @conversation AND direct = 1 AND message_id IS NOT NULL
                AND message_id <= (SELECT id FROM direct_messages WHERE conversation = @conversation AND kind = 'message' ORDER BY id DESC LIMIT 1 OFFSET @keep)
                RETURNING id;
                """);
            _pruneDirectUploadsValues = [AddParameter(_pruneDirectUploads, "@conversation", DbType.String), AddParameter(_pruneDirectUploads, "@keep", DbType.Int32)];
            if (keyLockSql is not null)
            {
                _lockKey = Command(keyLockSql);
                _lockKeyValue = AddParameter(_lockKey, "@key", DbType.String);
            }
        }

        public DbConnection Connection { get; }

        /// <summary>The batch's transaction, for statements made on the fly (edits and deletes, which are rare).</summary>
        public DbTransaction? Transaction { get; private set; }

        public Func<DbDataReader, int, string> ReadText => _readText;

        /// <summary>The uploads whose descriptions this batch deleted (<see cref="AppendResult.RemovedUploads"/>).</summary>
        public List<string> RemovedUploads { get; } = [];

        /// <summary>Whether idempotency keys are locked before direct messages are inserted (a shared database).</summary>
        public bool LocksKeys => _lockKey is not null;

        private IEnumerable<DbCommand> Commands =>
            new[] { _bump, _pruneCut, _prune, _pruneUploads, _insert, _insertDirect, _find, _findDirect, _thread, _pruneDirect, _pruneDirectUploads, _lockKey }.OfType<DbCommand>();

        /// <summary>Points the statements at this batch's transaction (Microsoft.Data.Sqlite insists).</summary>
        public void Enlist(DbTransaction transaction)
        {
            Transaction = transaction;
            foreach (var command in Commands)
            {
                command.Transaction = transaction;
            }
        }

        public async Task<long> BumpAsync(string room, int count, CancellationToken cancellationToken)
        {
            (_bumpRoom.Value, _bumpCount.Value) = (room, (long)count);
            return Convert.ToInt64(await _bump.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Keeps the newest <paramref name="keep"/> message entries of the room and what refers to them (see the statements).</summary>
        public async Task PruneAsync(string room, int keep, CancellationToken cancellationToken)
        {
            (_pruneCutValues[0].Value, _pruneCutValues[1].Value) = (room, keep);
            var cut = await _pruneCut.ExecuteScalarAsync(cancellationToken);
            if (cut is not (null or DBNull))
            {
                (_pruneRoom.Value, _pruneId.Value) = (room, Convert.ToInt64(cut, System.Globalization.CultureInfo.InvariantCulture));
                (_pruneUploadsValues[0].Value, _pruneUploadsValues[1].Value) = (_pruneRoom.Value, _pruneId.Value);
                await RemoveUploadsAsync(_pruneUploads, cancellationToken);
                await _prune.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        public async Task InsertAsync(NewChatMessage message, long id, object text, object mentions, object attachments, long sentAt, CancellationToken cancellationToken)
        {
            _insertValues[10].Value = attachments;
            (_insertValues[0].Value, _insertValues[1].Value, _insertValues[2].Value) = (message.Room, id, message.UserId);
            (_insertValues[3].Value, _insertValues[4].Value, _insertValues[5].Value) = (message.UserName, text, sentAt);
            _insertValues[6].Value = (object?)message.ClientMessageId ?? DBNull.Value;
            (_insertValues[7].Value, _insertValues[8].Value, _insertValues[9].Value) = ((object?)message.ReplyToId ?? DBNull.Value, (object?)message.ThreadId ?? DBNull.Value, mentions);
            await _insert.ExecuteNonQueryAsync(cancellationToken);
        }

        /// <summary>The new message's id, or null when one with its client message id is stored already.</summary>
        public async Task<long?> InsertDirectAsync(NewDirectMessage message, string conversation, object text, object attachments, long sentAt, CancellationToken cancellationToken)
        {
            _directValues[8].Value = attachments;
            _directValues[6].Value = conversation;
            (_directValues[0].Value, _directValues[1].Value, _directValues[2].Value) = (message.FromUserId, message.FromUserName, message.ToUserId);
            (_directValues[3].Value, _directValues[4].Value) = (text, sentAt);
            _directValues[5].Value = (object?)message.ClientMessageId ?? DBNull.Value;
            _directValues[7].Value = (object?)message.ReplyToId ?? DBNull.Value;
            var id = await _insertDirect.ExecuteScalarAsync(cancellationToken);
            return id is null or DBNull ? null : Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>The stored message with <paramref name="message"/>'s room, user and client message id, if any.</summary>
        public async Task<ChatMessage?> FindAsync(NewChatMessage message, CancellationToken cancellationToken)
        {
            (_findValues[0].Value, _findValues[1].Value, _findValues[2].Value) = (message.Room, message.UserId, message.ClientMessageId);
            await using var reader = await _find.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadMessage(reader, message.Room, _readText) : null;
        }

        /// <summary>The stored direct message with <paramref name="message"/>'s sender, target and client message id, if any.</summary>
        public async Task<DirectMessage?> FindDirectAsync(NewDirectMessage message, CancellationToken cancellationToken)
        {
            (_findDirectValues[0].Value, _findDirectValues[1].Value, _findDirectValues[2].Value) = (message.FromUserId, message.ToUserId, message.ClientMessageId);
            await using var reader = await _findDirect.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadDirect(reader, 0, _readText) : null;
        }

        /// <summary>Adds <paramref name="count"/> messages up to <paramref name="lastId"/> to the user's side of a conversation; the messages it ever stored.</summary>
        public async Task<long> UpdateThreadAsync(string userId, string otherUserId, string otherUserName, bool rename, long lastId, int count, CancellationToken cancellationToken)
        {
            (_threadValues[0].Value, _threadValues[1].Value, _threadValues[2].Value) = (userId, otherUserId, otherUserName);
            (_threadValues[3].Value, _threadValues[4].Value, _threadValues[5].Value) = (lastId, (long)count, rename);
            return Convert.ToInt64(await _thread.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Deletes all but the newest <paramref name="keep"/> messages of the conversation.</summary>
        public async Task PruneDirectAsync(string conversation, int keep, CancellationToken cancellationToken)
        {
            (_pruneDirectValues[0].Value, _pruneDirectValues[1].Value) = (conversation, keep);
            (_pruneDirectUploadsValues[0].Value, _pruneDirectUploadsValues[1].Value) = (conversation, keep);
            await RemoveUploadsAsync(_pruneDirectUploads, cancellationToken);
            await _pruneDirect.ExecuteNonQueryAsync(cancellationToken);
        }

        /// <summary>Runs a <c>DELETE FROM attachments … RETURNING id</c>, adding the ids to <see cref="RemovedUploads"/>.</summary>
        public async Task RemoveUploadsAsync(DbCommand delete, CancellationToken cancellationToken)
        {
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                RemovedUploads.Add(reader.GetString(0));
            }
        }

        public async Task LockKeyAsync(string key, CancellationToken cancellationToken)
        {
            _lockKeyValue!.Value = key;
            await _lockKey!.ExecuteNonQueryAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in Commands)
            {
                await command.DisposeAsync();
            }

            await Connection.DisposeAsync();
        }

        private DbCommand Command(string sql)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }
    }
}
