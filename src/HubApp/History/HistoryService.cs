using HubApp.Contracts;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.History;

/// <summary>
/// What a joining or scrolling client reads from history. A store that cannot answer throws
/// <see cref="StoreUnavailableException"/>, which the hub answers with <c>unavailable</c>.
/// </summary>
internal sealed class HistoryService(IMessageStore store, IOptions<HistoryOptions> options)
{
    /// <summary>
    /// With no <paramref name="sinceId"/> the newest <see cref="HistoryOptions.JoinCount"/>; otherwise the oldest
    /// messages after it, at most <see cref="HistoryOptions.MaxCatchUp"/>, and whether they reach the newest.
    /// </summary>
    /// <remarks>
    /// Either way the page holds about <see cref="HistoryOptions.MaxPageBytes"/> at most (and always one message): a
    /// catch-up page that stops there is not complete, and the client asks for the next one, as the contract has it; a
    /// fresh join keeps the newest that fit. Catch-up reads the store in pieces of <see cref="ReadChunk"/>, so a page
    /// of the largest texts never costs more than its budget and one piece, whatever <c>History:MaxCatchUp</c> is.
    /// </remarks>
    public async Task<HistoryPage> ForJoinAsync(string room, long? sinceId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (sinceId is not { } after)
        {
            return new HistoryPage(NewestWithinBudget(await store.GetLatestAsync(room, settings.JoinCount, cancellationToken)), Complete: true);
        }

        var page = new List<ChatMessage>();
        var bytes = 0L;
        var cursor = Math.Max(0, after);
        while (true)
        {
            // One more than the page has room for tells whether anything lies beyond it.
            var wanted = Math.Min(ReadChunk, settings.MaxCatchUp - page.Count) + 1;
            var piece = await store.GetAfterAsync(room, cursor, wanted, cancellationToken);
            foreach (var message in piece)
            {
                var size = EncodedSize(message);
                if (page.Count == settings.MaxCatchUp || (page.Count > 0 && bytes + size > HistoryOptions.MaxPageBytes))
                {
                    return new HistoryPage(page, Complete: false);
                }

                page.Add(message);
                bytes += size;
            }

            if (piece.Count < wanted)
            {
                return new HistoryPage(page, Complete: true);
            }

            cursor = page[^1].Id;
        }
    }

    /// <summary>Messages read from the store at a time for a catch-up page.</summary>
    public const int ReadChunk = 64;

    /// <summary>
    /// At most what <paramref name="message"/> takes on the wire, near enough for a budget: three bytes a UTF-16 code
    /// unit (UTF-8's most for one; markup the encoder escapes takes more, and is rare) plus the envelope of ids and times.
    /// </summary>
    public static long EncodedSize(ChatMessage message) =>
        256 + (3L * (message.Text.Length + message.UserName.Length + message.UserId.Length + message.Room.Length + (message.ClientMessageId?.Length ?? 0)));

    // The newest of an ascending list that fit the page budget (at least the newest one).
    private static IReadOnlyList<ChatMessage> NewestWithinBudget(IReadOnlyList<ChatMessage> ascending)
    {
        var bytes = 0L;
        var first = ascending.Count;
        while (first > 0 && (first == ascending.Count || bytes + EncodedSize(ascending[first - 1]) <= HistoryOptions.MaxPageBytes))
        {
            bytes += EncodedSize(ascending[first - 1]);
            first--;
        }

        return first == 0 ? ascending : ascending.Skip(first).ToArray();
    }

    /// <summary>
    /// A catch-up page from a read of one more than <paramref name="max"/>: that one more tells whether anything lies
    /// beyond the page (rooms' JoinRoom and SyncDirectMessages alike).
    /// </summary>
    public static (IReadOnlyList<T> Page, bool Complete) CatchUpPage<T>(IReadOnlyList<T> readOneMore, int max) =>
        readOneMore.Count > max ? (readOneMore.Take(max).ToArray(), false) : (readOneMore, true);

    /// <summary>Up to <paramref name="limit"/> messages just before <paramref name="beforeId"/>, ascending; the limit is clamped to 1–200.</summary>
    public async Task<IReadOnlyList<ChatMessage>> BeforeAsync(string room, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        var count = HistoryOptions.PageSize(limit);
        return beforeId is { } before
            ? await store.GetBeforeAsync(room, before, count, cancellationToken)
            : await store.GetLatestAsync(room, count, cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> (clamped to 1–200) of the oldest messages after <paramref name="afterId"/>, ascending.</summary>
    public Task<IReadOnlyList<ChatMessage>> AfterAsync(string room, long afterId, int limit, CancellationToken cancellationToken) =>
        store.GetAfterAsync(room, Math.Max(0, afterId), HistoryOptions.PageSize(limit), cancellationToken);

    /// <summary>Up to <paramref name="limit"/> (clamped to 1–200) of the oldest replies of thread <paramref name="rootId"/> after <paramref name="afterId"/>, ascending.</summary>
    public Task<IReadOnlyList<ChatMessage>> ThreadAsync(string room, long rootId, long? afterId, int limit, CancellationToken cancellationToken) =>
        store.GetThreadAsync(room, rootId, Math.Max(0, afterId ?? 0), HistoryOptions.PageSize(limit), cancellationToken);

    /// <summary>The room's entries with these ids, ascending, in their current state; ids not stored are left out.</summary>
    public Task<IReadOnlyList<ChatMessage>> ByIdsAsync(string room, IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        store.GetByIdsAsync(room, ids, cancellationToken);
}

/// <summary>Messages for a snapshot, and whether they reach the room's newest.</summary>
internal sealed record HistoryPage(IReadOnlyList<ChatMessage> Messages, bool Complete);
