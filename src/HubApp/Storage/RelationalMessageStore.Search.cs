using System.Data;
using System.Globalization;
using System.Text.Json;
using HubApp.Contracts;

namespace HubApp.Storage;

// Search (ISearchStore): each engine finds the keys of the matching entries with its own index and SQL
// (SqliteMessageStore.Search, PostgresMessageStore.Search); the entries themselves are then read as history reads them,
// so a result is the stored entry in its current state, whatever columns it has.
internal abstract partial class RelationalMessageStore : ISearchStore
{
    public async Task<IReadOnlyList<ChatMessage>> SearchMessagesAsync(
        SearchWords words, IReadOnlyCollection<string> rooms, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(rooms);
        if (rooms.Count == 0)
        {
            return Array.Empty<ChatMessage>();
        }

        var hits = await Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var query = connection.CreateCommand();
            query.CommandText = MessageSearchSql(oneRoom: rooms.Count == 1);
            AddParameter(query, "@match", DbType.String, SearchMatch(words));
            AddParameter(query, "@rooms", DbType.String, JsonSerializer.Serialize(rooms));
            AddParameter(query, "@before", DbType.Int64, beforeId ?? long.MaxValue);
            AddParameter(query, "@limit", DbType.Int32, limit);
            var found = new List<(string Room, long Id)>(limit);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            return found;
        });

        var stored = new Dictionary<(string Room, long Id), ChatMessage>();
        foreach (var room in hits.GroupBy(h => h.Room, StringComparer.Ordinal))
        {
            var sql = $"SELECT {MessageColumns} FROM messages WHERE room = @room AND id IN ({IdList(room.Select(h => h.Id))}) AND id > @id ORDER BY id LIMIT @count;";
            foreach (var message in await QueryAsync(room.Key, sql, 0, room.Count(), descending: false, cancellationToken))
            {
                stored[(message.Room, message.Id)] = message;
            }
        }

        // A message deleted between the two reads is left out: its text is gone. An array, not a collection expression's
        // list: MessagePack writes arrays and lists, not the compiler's own read-only list type.
        return hits.Select(h => stored.GetValueOrDefault(h)).OfType<ChatMessage>().Where(m => m.Kind == MessageKinds.Message && m.DeletedAt is null).ToArray();
    }

    public async Task<IReadOnlyList<DirectMessage>> SearchDirectMessagesAsync(
        SearchWords words, string userId, string? otherUserId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(words);
        var hits = await Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var query = connection.CreateCommand();
            query.CommandText = DirectSearchSql(oneConversation: otherUserId is not null);
            AddParameter(query, "@match", DbType.String, SearchMatch(words));
            AddParameter(query, "@user", DbType.String, userId);
            AddParameter(query, "@conversation", DbType.String, otherUserId is null ? string.Empty : ConversationKey(userId, otherUserId));
            AddParameter(query, "@limit", DbType.Int32, limit);
            var found = new List<long>(limit);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(reader.GetInt64(0));
            }

            return found;
        });

        if (hits.Count == 0)
        {
            return Array.Empty<DirectMessage>();
        }

        var stored = await QueryDirectAsync(
            $"SELECT {DirectColumns} FROM direct_messages WHERE id IN ({IdList(hits)}) AND id < @id ORDER BY id DESC LIMIT @count;",
            _ => { },
            long.MaxValue,
            hits.Count,
            descending: false,
            cancellationToken);
        return stored.Where(m => m.Kind == MessageKinds.Message && m.DeletedAt is null).ToArray();
    }

    /// <summary>
    /// Selects the room and id of the matching message entries: parameters <c>@match</c> (<see cref="SearchMatch"/>),
    /// <c>@rooms</c> (a JSON array of room names), <c>@before</c> and <c>@limit</c>; ordered as
    /// <see cref="ISearchStore.SearchMessagesAsync"/> says (by id alone when <paramref name="oneRoom"/>).
    /// </summary>
    protected abstract string MessageSearchSql(bool oneRoom);

    /// <summary>
    /// Selects the ids of the matching direct messages to or from <c>@user</c> (in conversation <c>@conversation</c> when
    /// <paramref name="oneConversation"/>), newest first, at most <c>@limit</c>.
    /// </summary>
    protected abstract string DirectSearchSql(bool oneConversation);

    /// <summary>The engine's <c>@match</c> value for <paramref name="words"/>.</summary>
    protected abstract string SearchMatch(SearchWords words);

    // Ids come from the store as numbers: written into the statement, they cannot carry anything else.
    private static string IdList(IEnumerable<long> ids) => string.Join(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
}
