using System.Globalization;
using HubApp.Contracts;

namespace HubApp.Cli.Chat;

// How room log entries read in the terminal. Lines are printed once and never rewritten, so edits and deletes are
// folded onto their target by number: a message shows as "#ID", and an edit or delete entry as a fresh line for that
// same #ID in its new state. A listing (join, /history) holds targets in their current state already, so the edit and
// delete entries of targets it shows are left out.
internal sealed partial class ChatSession
{
    /// <summary>Prints a snapshot's or a history page's entries, folded.</summary>
    private void PrintListing(IReadOnlyList<ChatMessage> entries)
    {
        var shown = entries.Where(e => e.Kind == MessageKinds.Message).Select(e => e.Id).ToHashSet();
        foreach (var entry in entries)
        {
            if (entry.TargetId is not { } target || !shown.Contains(target))
            {
                Print(Format(entry));
            }
        }
    }

    internal static string Format(ChatMessage entry)
    {
        var time = Time(entry.SentAt);
        return entry switch
        {
            { Kind: MessageKinds.Edit, TargetId: { } target } => $"{time} #{target} [{entry.Room}] {entry.UserName}: {entry.Text} (edited)",
            { Kind: MessageKinds.Delete, TargetId: { } target } => $"{time} #{target} [{entry.Room}] (message deleted by {entry.UserName})",
            { DeletedAt: not null } => $"{time} #{entry.Id} [{entry.Room}] (message deleted)",
            { EditedAt: not null } => $"{time} #{entry.Id} [{entry.Room}] {entry.UserName}: {entry.Text} (edited)",
            _ => $"{time} #{entry.Id} [{entry.Room}] {entry.UserName}: {entry.Text}",
        };
    }

    private static string Time(DateTime utc) => utc.ToLocalTime().ToString("HH:mm:ss", CultureInfo.CurrentCulture);
}
