using HubApp.Client;
using HubApp.Contracts;

namespace HubApp.Cli.Chat;

// /search (contract v3): the user's rooms, then their direct messages, newest first in each.
internal sealed partial class ChatSession
{
    private async Task SearchAsync(string words, CancellationToken cancellationToken)
    {
        IReadOnlyList<ChatMessage> messages;
        IReadOnlyList<DirectMessage> direct;
        try
        {
            messages = await client.SearchAsync(words, null, null, 20, cancellationToken);
            direct = await client.SearchDirectAsync(words, null, 20, cancellationToken);
        }
        catch (ChatException ex) when (ex.Code == ErrorCodes.InvalidMessage)
        {
            Print("! Search for at least one letter or digit, in at most 256 characters.");
            return;
        }

        if (messages.Count == 0 && direct.Count == 0)
        {
            Print($"— nothing found for “{words}”");
            return;
        }

        Print($"— found for “{words}”: {messages.Count} in your rooms, {direct.Count} in direct messages (newest first)");
        foreach (var message in messages)
        {
            Print(Format(message, View(message.Room) is { } view ? view.Timeline.Find : null, Number));
        }

        foreach (var message in direct)
        {
            Print(FormatDirect(message, Number));
        }
    }
}
