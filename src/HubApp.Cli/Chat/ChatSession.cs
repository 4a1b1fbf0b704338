using System.Globalization;
using HubApp.Client;
using HubApp.Contracts;

namespace HubApp.Cli.Chat;

/// <summary>
/// The terminal chat: lines typed go to the current room, lines starting with '/' are commands, and
/// what the server sends is printed as it comes. The terminal is a parameter so tests can drive it.
/// </summary>
/// <remarks>
/// Output is written from the input loop and from the client's event handlers; the terminal keeps lines whole.
/// Messages are sent in the background through the client's outbox, so the user keeps typing while one waits
/// (for a reconnect, say); their order per room is the order they were typed, and a failure is reported in words.
/// </remarks>
internal sealed partial class ChatSession(ChatClient client, IChatTerminal terminal, TimeProvider? time = null)
{
    private const string Help = """
        Type a line to send it to the current room. Commands:
          /join ROOM        join a room (it becomes the current one) and show its latest messages
          /room ROOM        switch to a room you joined
          /leave [ROOM]     leave a room for good, on all your devices (the current one by default)
          /rooms            the rooms you joined (your rooms are joined again at every start)
          /who              who is present in the current room
          /history [N]      N older messages of the current room (default 20)
          /edit ID TEXT     change the text of your message #ID in the current room
          /delete ID        delete message #ID of the current room (yours, or any as a moderator)
          /reply ID TEXT    answer message #ID, quoting it
          /thread ID [TEXT] reply in the thread of message #ID; without TEXT, show the thread
          /react ID EMOJI   react to message #ID (/unreact ID EMOJI takes it back)
          /search WORDS     find messages with these words in your rooms and direct messages
          /dm USER TEXT     a direct message
          /typing           tell the room you are typing (clears when you send)
          /quit             leave
        """ + "\n" + FilesHelp + "\n" + RoomAdminHelp;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RoomView> _rooms = new(StringComparer.Ordinal);
    private readonly TypingIndicator _typing = new(time ?? TimeProvider.System);
    private string? _current;

    public ChatSession(ChatClient client, TextReader input, TextWriter output)
        : this(client, new PlainTerminal(input, output))
    {
    }

    public async Task<int> RunAsync(IReadOnlyList<string> initialRooms, CancellationToken cancellationToken)
    {
        Subscribe();
        SubscribeMyRooms(cancellationToken);
        Print($"Connecting…");
        try
        {
            await client.StartAsync(cancellationToken);
        }
        // SignalR's failures: a refused negotiate, every transport refused (one inner error each), a refused WebSocket.
        catch (Exception ex) when (ex is HttpRequestException or AggregateException or InvalidOperationException or System.Net.WebSockets.WebSocketException)
        {
            Print($"! Could not connect: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        Print("Connected. /help lists the commands.");
        await JoinMyRoomsAsync(cancellationToken);
        foreach (var room in initialRooms)
        {
            await RunCommandAsync($"/join {room}", cancellationToken);
        }

        while (!cancellationToken.IsCancellationRequested && await terminal.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!await RunCommandAsync(line.Trim(), cancellationToken))
            {
                break;
            }
        }

        await FinishSendingAsync();
        await client.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>Runs one typed line; false when the user asked to quit.</summary>
    internal async Task<bool> RunCommandAsync(string line, CancellationToken cancellationToken)
    {
        if (line.Length == 0)
        {
            return true;
        }

        var (verb, rest) = Split(line);
        try
        {
            switch (verb)
            {
                case "/quit" or "/exit":
                    return false;
                case "/help":
                    Print(Help);
                    break;
                case "/join" when rest.Length > 0:
                    await JoinAsync(rest, cancellationToken);
                    break;
                case "/room" when rest.Length > 0:
                    SwitchTo(rest);
                    break;
                case "/leave":
                    await LeaveForGoodAsync(rest.Length > 0 ? rest.ToLowerInvariant() : _current, cancellationToken);
                    break;
                case "/rooms" when rest.Length == 0:
                    Print(_rooms.Count == 0 ? "You have joined no room." : string.Join(", ", _rooms.Keys.Select(r => r == _current ? $"[{r}]" : r)));
                    break;
                case "/who":
                    PrintMembers();
                    break;
                case "/history":
                    await HistoryAsync(int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 20, cancellationToken);
                    break;
                case "/dm" when Split(rest) is ({ Length: > 0 } user, { Length: > 0 } text):
                    SendInBackground(() => client.SendDirectMessageAsync(user, text, cancellationToken), text);
                    break;
                case "/edit" when Split(rest) is ({ Length: > 0 } id, { Length: > 0 } text) && TryParseId(id, out var editId):
                    await client.EditMessageAsync(RequireCurrent(), editId, text, cancellationToken);
                    break;
                case "/delete" when TryParseId(rest, out var deleteId):
                    await client.DeleteMessageAsync(RequireCurrent(), deleteId, cancellationToken);
                    break;
                case "/reply" or "/thread" or "/react" or "/unreact" or "/search" when rest.Length > 0:
                    await RunThreadCommandAsync(verb, rest, cancellationToken);
                    break;
                case "/upload" when rest.Length > 0:
                    Upload(rest, cancellationToken);
                    break;
                case "/download" when rest.Length > 0:
                    await DownloadAsync(rest, cancellationToken);
                    break;
                case "/typing" when _current is not null:
                    await client.TypingAsync(_current, true, cancellationToken);
                    break;
                case ['/', ..]:
                    if (!await RunRoomAdminCommandAsync(verb, rest, cancellationToken))
                    {
                        Print($"! Unknown or incomplete command '{line}'. /help lists the commands.");
                    }

                    break;
                default:
                    if (_current is null)
                    {
                        Print("! Join a room first: /join ROOM");
                        break;
                    }

                    var room = _current;
                    SendInBackground(() => client.SendMessageAsync(room, line, cancellationToken), line);
                    break;
            }
        }
        catch (ChatException ex)
        {
            Print($"! {Describe(ex.Code)}");
        }
        catch (InvalidOperationException ex)
        {
            Print($"! {ex.Message}");
        }

        return true;
    }

    /// <summary>A short human message for each of the contract's error codes.</summary>
    internal static string Describe(string code) => code switch
    {
        ErrorCodes.InvalidRoom => "Room names are 1–64 letters, digits, '_', '-' or '.', starting with a letter or digit.",
        ErrorCodes.NotInRoom => "Join that room first.",
        ErrorCodes.InvalidMessage => "The server did not take it: an empty text, or an emoji or value it does not accept.",
        ErrorCodes.MessageTooLong => "That message is too long.",
        ErrorCodes.TooManyRooms => "You have joined as many rooms as allowed; leave one for good first (/leave ROOM).",
        ErrorCodes.InvalidUser => "No such user id.",
        ErrorCodes.RateLimited => "Slow down: too many messages at once. Nothing was sent.",
        ErrorCodes.Unavailable => "The server cannot store messages right now. Nothing was sent; try again.",
        // Contract v2 codes.
        "forbidden" => "You are not allowed to do that there.",
        "muted" => "You are muted in that room.",
        "not_found" => "There is no such message or room.",
        ErrorCodes.RoomExists => "That room name is taken.",
        // Contract v3 codes, over HTTP.
        ErrorCodes.AttachmentTooLarge => "That file is larger than the server takes.",
        ErrorCodes.InvalidAttachment => "The server does not take that file: it is empty, or its name is not allowed.",
        _ => $"The server refused ({code}).",
    };

    private async Task JoinAsync(string room, CancellationToken cancellationToken)
    {
        var snapshot = await client.JoinRoomAsync(room, null, cancellationToken);
        var view = new RoomView(snapshot.Members, snapshot.Messages.Count > 0 ? snapshot.Messages[0].Id : null);
        lock (_gate)
        {
            _rooms[snapshot.Room] = view;
            _current = snapshot.Room;
        }

        Print($"— {snapshot.Room}: {snapshot.Members.Count} present ({string.Join(", ", snapshot.Members.Select(m => m.UserName))})");
        await ShowListingAsync(snapshot.Room, view, snapshot.Messages, cancellationToken);
    }

    private void SwitchTo(string room)
    {
        var name = room.ToLowerInvariant();
        lock (_gate)
        {
            if (!_rooms.ContainsKey(name))
            {
                Print($"! You have not joined '{name}': /join {name}");
                return;
            }

            _current = name;
        }

        Print($"— now in {name}");
    }

    private async Task HistoryAsync(int count, CancellationToken cancellationToken)
    {
        if (_current is not { } room || !_rooms.TryGetValue(room, out var view))
        {
            Print("! Join a room first: /join ROOM");
            return;
        }

        var older = await client.GetHistoryAsync(room, view.OldestId, count, cancellationToken);
        if (older.Count == 0)
        {
            Print("— nothing older");
            return;
        }

        view.OldestId = older[0].Id;
        Print($"— {older.Count} older messages in {room}:");
        await ShowListingAsync(room, view, older, cancellationToken);
    }

    private void PrintMembers()
    {
        lock (_gate)
        {
            Print(_current is { } room && _rooms.TryGetValue(room, out var view)
                ? $"— present in {room}: {string.Join(", ", view.Members.Select(m => m.UserName))}"
                : "! Join a room first: /join ROOM");
        }
    }

    private void Subscribe()
    {
        client.MessageReceived += message =>
        {
            _typing.MessageFrom(message.Room, message.UserId);
            return Show(FormatLive(message));
        };
        client.Mentioned += ShowMention;
        client.DirectMessageReceived += message => Show(FormatDirect(message, Number));
        client.UserJoined += presence => Presence(presence, joined: true);
        client.UserLeft += presence => Presence(presence, joined: false);
        client.UserTyping += typing => _typing.Update(typing.Room, typing.UserId, typing.IsTyping)
            ? Show($"… {typing.UserName} is typing in {typing.Room}")
            : Task.CompletedTask;
        client.Reconnecting += _ => Show("[connection lost, reconnecting…] What you type meanwhile is sent once reconnected.");
        client.Reconnected += () => Show("[reconnected; missed messages shown above]");
        client.Closed += error => error is null ? Task.CompletedTask : Show($"[disconnected: {error.Message}]");
        SubscribeRoomAdmin();
    }

    private Task Presence(PresenceEvent presence, bool joined)
    {
        lock (_gate)
        {
            if (_rooms.TryGetValue(presence.Room, out var view))
            {
                var member = new Member(presence.UserId, presence.UserName);
                view.Members = joined ? [.. view.Members.Where(m => m.UserId != member.UserId), member] : [.. view.Members.Where(m => m.UserId != member.UserId)];
            }
        }

        return Show($"{Time(presence.At)} {(joined ? "→" : "←")} {presence.UserName} {(joined ? "joined" : "left")} {presence.Room}");
    }

    private string RequireCurrent() => _current ?? throw new InvalidOperationException("Join a room first: /join ROOM");

    private static bool TryParseId(string text, out long id) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    private static (string Head, string Tail) Split(string text)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, string.Empty) : (text[..space], text[(space + 1)..].Trim());
    }

    private void Print(string line) => terminal.WriteLine(line);

    // For event handlers, which return a Task.
    private Task Show(string line)
    {
        Print(line);
        return Task.CompletedTask;
    }

    private sealed class RoomView(IReadOnlyList<Member> members, long? oldestId)
    {
        /// <summary>The room's messages as now, for reactions, thread sizes and quotes. Guarded by the session's gate.</summary>
        public RoomTimeline Timeline { get; } = new();

        public IReadOnlyList<Member> Members { get; set; } = members;

        public long? OldestId { get; set; } = oldestId;
    }
}
