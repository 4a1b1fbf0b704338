using System.Globalization;
using HubApp.Contracts;

namespace HubApp.Cli.Chat;

// Created rooms and moderation from the terminal: /create, /invite, /kick, /ban, /mute and /rooms QUERY (the directory),
// and the notices of being added to or removed from a room.
internal sealed partial class ChatSession
{
    internal const string RoomAdminHelp = """
          /rooms QUERY      find rooms whose name or topic contains QUERY (* for all)
          /create ROOM [public|private] [TOPIC]   make a room you own (public by default)
          /invite USER      make USER a member of the current (private) room
          /kick USER        remove USER from the current room
          /ban USER [MIN]   ban USER from the current room, for MIN minutes (for good without)
          /mute USER [MIN]  mute USER in the current room, for MIN minutes (for good without)
        """;

    /// <summary>Runs a room command; false when <paramref name="verb"/> is none of them (or it lacks its arguments).</summary>
    private async Task<bool> RunRoomAdminCommandAsync(string verb, string rest, CancellationToken cancellationToken)
    {
        var (first, tail) = Split(rest);
        switch (verb)
        {
            case "/rooms" when rest.Length > 0:
                await ListAsync(rest == "*" ? null : rest, cancellationToken);
                return true;
            case "/create" when first.Length > 0:
                var (visibility, topic) = Split(tail);
                var kind = visibility.Length == 0 ? RoomKinds.Public : visibility;
                var created = await client.CreateRoomAsync(first, kind, topic.Length == 0 ? null : topic, cancellationToken);
                Print($"— created {created.Kind} room {created.Room}; /join {created.Room} to enter it");
                return true;
            case "/invite" or "/kick" or "/ban" or "/mute" when first.Length > 0:
                if (_current is not { } room)
                {
                    Print("! Join a room first: /join ROOM");
                    return true;
                }

                await ModerateAsync(verb, room, first, Minutes(tail), cancellationToken);
                return true;
            default:
                return false;
        }
    }

    private async Task ModerateAsync(string verb, string room, string user, DateTime? until, CancellationToken cancellationToken)
    {
        var done = verb switch
        {
            "/invite" => client.InviteAsync(room, user, cancellationToken),
            "/kick" => client.KickAsync(room, user, cancellationToken),
            "/ban" => client.BanAsync(room, user, until, cancellationToken),
            _ => client.MuteAsync(room, user, until, cancellationToken),
        };
        await done;
        var how = verb switch { "/invite" => "invited to", "/kick" => "kicked from", "/ban" => "banned from", _ => "muted in" };
        Print($"— {user} {how} {room}{(until is { } end ? $" until {Time(end)}" : string.Empty)}");
    }

    private async Task ListAsync(string? query, CancellationToken cancellationToken)
    {
        var rooms = await client.ListRoomsAsync(query, 50, cancellationToken);
        Print(rooms.Count == 0
            ? "No room found."
            : string.Join(Environment.NewLine, rooms.Select(r => $"  {r.Room} ({r.Kind}, {r.Present} present){(r.Topic is null ? string.Empty : $" — {r.Topic}")}")));
    }

    private DateTime? Minutes(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes > 0
            ? (time ?? TimeProvider.System).GetUtcNow().UtcDateTime.AddMinutes(minutes)
            : null;

    private void SubscribeRoomAdmin()
    {
        client.AddedToRoom += room => Show($"— you were added to {room.Kind} room {room.Room}; /join {room.Room} to enter it");
        client.RemovedFromRoom += removal =>
        {
            Forget(removal.Room);
            if (removal.Reason == RemovalReasons.Left)
            {
                // This user's own leaving for good: /leave says so here, RoomRemoved on their other devices.
                return Task.CompletedTask;
            }

            var by = removal.ByUserId is { } user && removal.Reason != RemovalReasons.Left ? $" by {user}" : string.Empty;
            var until = removal.Until is { } end ? $" until {Time(end)}" : string.Empty;
            return Show($"— you are out of {removal.Room}: {removal.Reason}{by}{until}");
        };
    }
}
