using HubApp.Client;
using HubApp.Contracts;

namespace HubApp.Cli.Chat;

// Replies, threads, reactions and mentions (contract v3) in the terminal. Each joined room keeps a RoomTimeline:
// what the server listed, with the live entries folded on, so that a line can show a message's reactions and thread
// size and a reply can quote its parent. Replies and reactions go out through the client's outbox, like lines typed.
internal sealed partial class ChatSession
{
    // Parents of replies a listing shows but the room's timeline lacks are read in one GetMessages of at most this many.
    private const int MaxParentsRead = 100;

    private async Task RunThreadCommandAsync(string verb, string rest, CancellationToken cancellationToken)
    {
        if (verb == "/search")
        {
            await SearchAsync(rest, cancellationToken);
            return;
        }

        var room = RequireCurrent();
        var (first, tail) = Split(rest);
        if (!TryParseId(first, out var id) || (tail.Length == 0 && verb != "/thread"))
        {
            Print($"! {verb} needs a message number and {(verb is "/react" or "/unreact" ? "an emoji" : "a text")}, e.g. {verb} 12 {(verb is "/react" or "/unreact" ? "👍" : "sounds good")}");
            return;
        }

        switch (verb)
        {
            case "/reply":
                SendInBackground(() => client.PostAsync(room, new Draft(tail, ReplyToId: id), cancellationToken), tail);
                break;
            case "/thread" when tail.Length > 0:
                SendInBackground(() => client.PostAsync(room, new Draft(tail, ThreadId: id), cancellationToken), tail);
                break;
            case "/thread":
                await ShowThreadAsync(room, id, cancellationToken);
                break;
            default:
                // The react or unreact entry comes back as MessageReceived and shows the message's new reactions.
                var add = verb == "/react";
                SendInBackground(() => client.ReactAsync(room, id, tail, add, cancellationToken), $"{tail} on #{id}");
                break;
        }
    }

    private async Task ShowThreadAsync(string room, long rootId, CancellationToken cancellationToken)
    {
        var replies = await client.GetThreadAsync(room, rootId, null, 200, cancellationToken);
        var view = View(room);
        Print(replies.Count == 0 ? $"— no replies in the thread of #{rootId}" : $"— the thread of #{rootId}, {replies.Count} {(replies.Count == 1 ? "reply" : "replies")}:");
        if (view is not null)
        {
            await ShowListingAsync(room, view, replies, cancellationToken);
        }
        else
        {
            foreach (var reply in replies)
            {
                Print(Format(reply, number: Number));
            }
        }
    }

    /// <summary>
    /// Holds a listing in the room's timeline (reading the parents its replies quote, if the timeline lacks them), then
    /// prints it folded.
    /// </summary>
    private async Task ShowListingAsync(string room, RoomView view, IReadOnlyList<ChatMessage> entries, CancellationToken cancellationToken)
    {
        long[] missing;
        lock (_gate)
        {
            view.Timeline.Load(entries);
            missing = [.. entries.Select(e => e.ReplyToId).OfType<long>().Distinct().Where(id => view.Timeline.Find(id) is null).Take(MaxParentsRead)];
        }

        if (missing.Length > 0)
        {
            try
            {
                var parents = await client.GetMessagesAsync(room, missing, cancellationToken);
                lock (_gate)
                {
                    view.Timeline.Load(parents);
                }
            }
            catch (ChatException)
            {
                // The quotes show the parents' numbers instead.
            }
        }

        lock (_gate)
        {
            PrintListing(entries, view.Timeline.Find);
        }
    }

    /// <summary>
    /// A live entry as a line, folded through the room's timeline: a message as it is; an edit or reaction as a fresh line
    /// of its message in the new state, when the timeline holds it; a delete as the notice of who deleted it.
    /// </summary>
    private string FormatLive(ChatMessage entry)
    {
        lock (_gate)
        {
            if (View(entry.Room) is not { } view)
            {
                return Format(entry, number: Number);
            }

            var changed = view.Timeline.Apply(entry);
            var line = entry.Kind is MessageKinds.Edit or MessageKinds.React or MessageKinds.Unreact && changed.FirstOrDefault(m => m.Id == entry.TargetId) is { } target
                ? target
                : entry;
            return Format(line, view.Timeline.Find, Number);
        }
    }

    private Task ShowMention(ChatMessage message)
    {
        // In a room joined here the message itself shows; elsewhere, this is the only sign of it.
        return View(message.Room) is null
            ? Show($"{Time(message.SentAt)} @ {message.UserName} mentioned you in {message.Room}: {Shorten(message.Text)} (/join {message.Room})")
            : Task.CompletedTask;
    }

    private RoomView? View(string room)
    {
        lock (_gate)
        {
            return _rooms.GetValueOrDefault(room);
        }
    }
}
