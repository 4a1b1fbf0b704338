using System.Data;
using HubApp.Contracts;

namespace HubApp.Storage;

// Reactions (schema version 7; docs/protocol.md, "Reactions"): who reacted is kept in the reactions table, one row per
// (log, message, emoji, user), where the log is a room's name or a conversation's key (which holds U+001F, never in a
// room name); the target's row keeps the summary every read returns (ReactionSummary). Both change in the transaction
// that stores the react or unreact entry, decided on the rows as they are under the writer's lock on the log.
internal abstract partial class RelationalMessageStore
{
    /// <summary>
    /// Adds or removes <paramref name="userId"/>'s <paramref name="emoji"/> on message <paramref name="targetId"/> of
    /// <paramref name="log"/>: <see cref="RoomChangeOutcome.Stored"/> with the target's new summary, or
    /// <see cref="RoomChangeOutcome.Unchanged"/> (already so) or <see cref="RoomChangeOutcome.TooManyKinds"/>, changing nothing.
    /// </summary>
    private static async Task<(RoomChangeOutcome Outcome, IReadOnlyList<Reaction>? Reactions)> ApplyReactionAsync(
        WriterSession session,
        string log,
        long targetId,
        IReadOnlyList<Reaction>? current,
        string kind,
        string emoji,
        string userId,
        int maxKinds,
        DateTime sentAt,
        CancellationToken cancellationToken)
    {
        var add = kind == MessageKinds.React;
        (string, DbType, object)[] key = [("@log", DbType.String, log), ("@target", DbType.Int64, targetId), ("@emoji", DbType.String, emoji), ("@user", DbType.String, userId)];
        var present = await CountAsync(
            session, "SELECT COUNT(*) FROM reactions WHERE log = @log AND message_id = @target AND emoji = @emoji AND user_id = @user;", key, cancellationToken) > 0;
        if (present == add)
        {
            return (RoomChangeOutcome.Unchanged, current);
        }

        if (add && current?.Any(r => r.Emoji == emoji) != true && (current?.Count ?? 0) >= maxKinds)
        {
            return (RoomChangeOutcome.TooManyKinds, current);
        }

        await ExecuteAsync(
            session,
            add
                ? "INSERT INTO reactions (log, message_id, emoji, user_id, at) VALUES (@log, @target, @emoji, @user, @at);"
                : "DELETE FROM reactions WHERE log = @log AND message_id = @target AND emoji = @emoji AND user_id = @user;",
            cancellationToken,
            [.. key, ("@at", DbType.Int64, ToUnixMilliseconds(sentAt))]);
        var count = await CountAsync(session, "SELECT COUNT(*) FROM reactions WHERE log = @log AND message_id = @target AND emoji = @emoji;", key, cancellationToken);
        var users = new List<string>();
        await using (var command = Prepare(
            session,
            $"SELECT user_id FROM reactions WHERE log = @log AND message_id = @target AND emoji = @emoji ORDER BY at, user_id LIMIT {ReactionSummary.MaxListed};",
            key))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                users.Add(reader.GetString(0));
            }
        }

        return (RoomChangeOutcome.Stored, ReactionSummary.With(current, emoji, (int)count, users));
    }

    private static async Task<long> CountAsync(WriterSession session, string sql, (string Name, DbType Type, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Prepare(session, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
