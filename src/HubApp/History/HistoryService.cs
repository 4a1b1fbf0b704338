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
    public async Task<HistoryPage> ForJoinAsync(string room, long? sinceId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (sinceId is not { } after)
        {
            return new HistoryPage(await store.GetLatestAsync(room, settings.JoinCount, cancellationToken), Complete: true);
        }

        var (messages, complete) = CatchUpPage(await store.GetAfterAsync(room, Math.Max(0, after), settings.MaxCatchUp + 1, cancellationToken), settings.MaxCatchUp);
        return new HistoryPage(messages, complete);
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
}

/// <summary>Messages for a snapshot, and whether they reach the room's newest.</summary>
internal sealed record HistoryPage(IReadOnlyList<ChatMessage> Messages, bool Complete);
