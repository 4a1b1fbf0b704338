using System.Globalization;
using System.Text;
using HubApp.Contracts;

namespace HubApp.Cli.Chat;

// How room log entries read in the terminal. Lines are printed once and never rewritten, so edits, deletes and
// reactions are folded onto their target by number: a message shows as "#ID", and a change to it as a fresh line for
// that same #ID in its new state, with its reactions ("[👍 2 ❤ 1]") and its thread's size ("(3 replies)"). A reply
// quotes its parent on the line above ("↪ alice: first words…"), and a thread reply says whose thread it is in. A
// listing (join, /history) holds targets in their current state already, so the changes of targets it shows are left
// out, and so are the replies of thread roots it shows (/thread N lists them).
internal sealed partial class ChatSession
{
    private const int QuoteLength = 40;

    /// <summary>Prints a snapshot's or a history page's entries, folded.</summary>
    private void PrintListing(IReadOnlyList<ChatMessage> entries, Func<long, ChatMessage?> find)
    {
        var shown = entries.Where(e => e.Kind == MessageKinds.Message).Select(e => e.Id).ToHashSet();
        foreach (var entry in entries)
        {
            if ((entry.TargetId ?? entry.ThreadId) is not { } target || !shown.Contains(target))
            {
                Print(Format(entry, find, Number));
            }
        }
    }

    /// <summary>An entry as a line (two, for a reply: the quote, then the message); <paramref name="find"/> gives the messages held, for quotes.</summary>
    internal static string Format(ChatMessage entry, Func<long, ChatMessage?>? find = null, Func<Attachment, int>? number = null)
    {
        var time = Time(entry.SentAt);
        return entry switch
        {
            { Kind: MessageKinds.Edit, TargetId: { } target } => $"{time} #{target} [{entry.Room}] {entry.UserName}: {entry.Text} (edited)",
            { Kind: MessageKinds.Delete, TargetId: { } target } => $"{time} #{target} [{entry.Room}] (message deleted by {entry.UserName})",
            { Kind: MessageKinds.React, TargetId: { } target } => $"{time} #{target} [{entry.Room}] {entry.UserName} reacted {entry.Text}",
            { Kind: MessageKinds.Unreact, TargetId: { } target } => $"{time} #{target} [{entry.Room}] {entry.UserName} took back {entry.Text}",
            { DeletedAt: not null } => $"{time} #{entry.Id} [{entry.Room}] (message deleted){Replies(entry)}",
            _ => $"{Quote(entry, find)}{time} #{entry.Id} [{entry.Room}] {Author(entry)}: {Body(entry.Text, entry.EditedAt, entry.Attachments, number)}{Reactions(entry.Reactions)}{Replies(entry)}",
        };
    }

    // A conversation's entries have no number here (the terminal edits no direct message), so each says what it is.
    internal static string FormatDirect(DirectMessage entry, Func<Attachment, int>? number = null)
    {
        var head = $"{Time(entry.SentAt)} [dm] {entry.FromUserName}";
        return entry.Kind switch
        {
            MessageKinds.Edit => $"{head} → {entry.ToUserId}: {entry.Text} (edited)",
            MessageKinds.Delete => $"{head} deleted a message to {entry.ToUserId}",
            MessageKinds.React => $"{head} reacted {entry.Text} to a message",
            MessageKinds.Unreact => $"{head} took back {entry.Text} from a message",
            _ when entry.DeletedAt is not null => $"{head} → {entry.ToUserId}: (message deleted)",
            _ => $"{head} → {entry.ToUserId}: {Body(entry.Text, entry.EditedAt, entry.Attachments, number)}{Reactions(entry.Reactions)}",
        };
    }

    // The text, whether it was edited, and the files (alone, for a message of files only).
    private static string Body(string text, DateTime? editedAt, IReadOnlyList<Attachment>? attachments, Func<Attachment, int>? number)
    {
        var body = $"{text}{(editedAt is null ? string.Empty : " (edited)")}{Files(attachments, number)}";
        return text.Length == 0 ? body.TrimStart() : body;
    }

    private static string Author(ChatMessage message) => message.ThreadId is { } root ? $"{message.UserName} in thread #{root}" : message.UserName;

    private static string Quote(ChatMessage message, Func<long, ChatMessage?>? find)
    {
        if (message.ReplyToId is not { } parentId)
        {
            return string.Empty;
        }

        var quoted = find?.Invoke(parentId) switch
        {
            null => $"#{parentId}",
            { DeletedAt: not null } => "(deleted message)",
            { } parent => $"{parent.UserName}: {Shorten(parent.Text.ReplaceLineEndings(" "), QuoteLength)}",
        };
        return $"         ↪ {quoted}{Environment.NewLine}";
    }

    private static string Reactions(IReadOnlyList<Reaction>? reactions)
    {
        if (reactions is not { Count: > 0 })
        {
            return string.Empty;
        }

        var text = new StringBuilder(" [");
        foreach (var reaction in reactions)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(text.Length > 2 ? " " : string.Empty)}{reaction.Emoji} {reaction.Count}");
        }

        return text.Append(']').ToString();
    }

    private static string Replies(ChatMessage message) => message.Thread switch
    {
        null or { ReplyCount: 0 } => string.Empty,
        { ReplyCount: 1 } => " (1 reply)",
        { ReplyCount: var count } => $" ({count} replies)",
    };

    private static string Time(DateTime utc) => utc.ToLocalTime().ToString("HH:mm:ss", CultureInfo.CurrentCulture);
}
