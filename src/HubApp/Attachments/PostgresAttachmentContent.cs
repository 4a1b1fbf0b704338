using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace HubApp.Attachments;

/// <summary>
/// <c>Attachments:Provider=postgres</c>: a key's bytes as rows of <c>attachment_chunks</c> (<see cref="ChunkSize"/> bytes each,
/// the last one shorter) in the PostgreSQL store, so that any node serves any file. All of a key's chunks are written in
/// one transaction: a key names a whole file or nothing. Reads fetch one chunk at a time, on demand, so a download holds
/// one chunk in memory, and ranges seek to the chunk they need.
/// </summary>
/// <remarks>The table is created by the store (component <c>attachments</c>, PostgresMessageStore).</remarks>
internal sealed class PostgresAttachmentContent(NpgsqlDataSource dataSource) : IAttachmentContent
{
    /// <summary>Bytes per row: large enough that a 25 MB file is 100 rows, small enough to hold one in memory per reader.</summary>
    public const int ChunkSize = 256 * 1024;

    private const int KeysPerPage = 500;

    public async Task<long> WriteAsync(string key, Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand("DELETE FROM attachment_chunks WHERE id = @id;", connection, transaction))
        {
            clear.Parameters.AddWithValue("id", key);
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand("INSERT INTO attachment_chunks (id, seq, data) VALUES (@id, @seq, @data);", connection, transaction);
        var id = insert.Parameters.AddWithValue("id", key);
        var seq = insert.Parameters.Add("seq", NpgsqlDbType.Integer);
        var data = insert.Parameters.Add("data", NpgsqlDbType.Bytea);
        var buffer = new byte[ChunkSize];
        long total = 0;
        for (var n = 0; ; n++)
        {
            var read = await source.ReadAtLeastAsync(buffer, ChunkSize, throwOnEndOfStream: false, cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (total > maxBytes)
            {
                throw new AttachmentTooLargeException(maxBytes);
            }

            seq.Value = n;
            data.Value = new ArraySegment<byte>(buffer, 0, read);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            if (read < ChunkSize)
            {
                break;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return total;
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var size = new NpgsqlCommand("SELECT COUNT(*), COALESCE(SUM(octet_length(data)), 0) FROM attachment_chunks WHERE id = @id;", connection);
        size.Parameters.AddWithValue("id", key);
        await using var reader = await size.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0) == 0 ? null : new ChunkedStream(dataSource, key, reader.GetInt64(1));
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var delete = new NpgsqlCommand("DELETE FROM attachment_chunks WHERE id = @id;", connection);
        delete.Parameters.AddWithValue("id", key);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The keys in pages of <see cref="KeysPerPage"/>, along the primary key, each page on a connection of its own.</summary>
    public async IAsyncEnumerable<string> ListKeysAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = string.Empty;
        while (true)
        {
            var page = new List<string>(KeysPerPage);
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            await using (var select = new NpgsqlCommand("SELECT DISTINCT id FROM attachment_chunks WHERE id > @after ORDER BY id LIMIT @limit;", connection))
            {
                select.Parameters.AddWithValue("after", after);
                select.Parameters.AddWithValue("limit", KeysPerPage);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add(reader.GetString(0));
                }
            }

            foreach (var key in page)
            {
                yield return key;
            }

            if (page.Count < KeysPerPage)
            {
                yield break;
            }

            after = page[^1];
        }
    }

    /// <summary>Nothing: a key's chunks are written in one transaction, which a crash rolls back.</summary>
    public Task<int> RemoveAbandonedAsync(DateTime writtenBefore, CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>A read-only, seekable view of a key's chunks, each fetched when a read reaches it.</summary>
    private sealed class ChunkedStream(NpgsqlDataSource dataSource, string key, long length) : Stream
    {
        private byte[] _chunk = [];
        private int _chunkIndex = -1;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!Positioned())
            {
                Load(Fetch(CurrentIndex, null).GetAwaiter().GetResult());
            }

            return Copy(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!Positioned())
            {
                Load(await Fetch(CurrentIndex, cancellationToken));
            }

            return Copy(buffer.Span);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int CurrentIndex => (int)(_position / ChunkSize);

        // At the end, or inside the chunk held.
        private bool Positioned() => _position >= length || CurrentIndex == _chunkIndex;

        private void Load((int Index, byte[] Data) chunk) => (_chunkIndex, _chunk) = chunk;

        private int Copy(Span<byte> buffer)
        {
            if (_position >= length)
            {
                return 0;
            }

            var at = (int)(_position - ((long)_chunkIndex * ChunkSize));
            var n = Math.Min(buffer.Length, _chunk.Length - at);
            _chunk.AsSpan(at, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        private async Task<(int Index, byte[] Data)> Fetch(int index, CancellationToken? cancellationToken)
        {
            var token = cancellationToken ?? CancellationToken.None;
            await using var connection = await dataSource.OpenConnectionAsync(token);
            await using var read = new NpgsqlCommand("SELECT data FROM attachment_chunks WHERE id = @id AND seq = @seq;", connection);
            read.Parameters.AddWithValue("id", key);
            read.Parameters.AddWithValue("seq", index);
            return (index, await read.ExecuteScalarAsync(token) as byte[] ?? throw new IOException($"Chunk {index} of '{key}' is missing."));
        }
    }
}
