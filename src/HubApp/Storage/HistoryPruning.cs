namespace HubApp.Storage;

/// <summary>
/// When a log (a room, or a direct conversation) is pruned down to <c>History:MaxMessagesPerRoom</c>: not on every
/// write, but each time the count of entries it ever stored crosses a multiple of <see cref="Step"/> past the maximum.
/// So pruning costs one delete per <see cref="Step"/> writes. A room keeps its newest maximum <c>message</c> entries and
/// every later entry (edits, deletes and reactions count for nothing), less those that refer to a message pruned
/// (RelationalMessageStore's pruning statements).
/// </summary>
internal static class HistoryPruning
{
    public const int Step = 64;

    /// <summary>Whether a log that has now stored <paramref name="total"/> entries, <paramref name="added"/> of them just now, is to be pruned.</summary>
    public static bool IsDue(long total, long added, int max) => total > max && (total / Step) != ((total - added) / Step);
}
