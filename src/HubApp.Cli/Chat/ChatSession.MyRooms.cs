using HubApp.Client;
using HubApp.Contracts;

namespace HubApp.Cli.Chat;

// The user's rooms follow them (contract v3, "Your rooms"): on start the terminal joins the rooms of the user's list, a
// room joined or left for good on another device is joined or left here too, and /leave leaves for good.
internal sealed partial class ChatSession
{
    /// <summary>Joins every room of the user's list, without listing their messages (/history shows them); the most recently active becomes current.</summary>
    private async Task JoinMyRoomsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<MyRoom> mine;
        try
        {
            mine = await client.GetMyRoomsAsync(cancellationToken);
        }
        catch (ChatException ex)
        {
            Print($"! Your rooms could not be read: {Describe(ex.Code)}");
            return;
        }

        if (mine.Count == 0)
        {
            return;
        }

        Print($"— your rooms: {string.Join(", ", mine.Select(Describe))}");
        // Least recently active first, so that the most recent one ends up current.
        foreach (var room in mine.Reverse())
        {
            await JoinQuietlyAsync(room.Room, makeCurrent: true, cancellationToken);
        }

        if (_current is { } current)
        {
            Print($"— now in {current}; /history shows its messages");
        }
    }

    /// <summary>Joins <paramref name="room"/> (current when <paramref name="makeCurrent"/> or none is), printing only a refusal.</summary>
    private async Task JoinQuietlyAsync(string room, bool makeCurrent, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await client.JoinRoomAsync(room, null, cancellationToken);
            lock (_gate)
            {
                // No messages shown: /history starts from the newest. They are held, for quotes and reactions.
                var view = new RoomView(snapshot.Members, null);
                view.Timeline.Load(snapshot.Messages);
                _rooms[snapshot.Room] = view;
                _current = makeCurrent ? snapshot.Room : _current ?? snapshot.Room;
            }
        }
        catch (ChatException ex)
        {
            Print($"! Could not join {room}: {Describe(ex.Code)}");
        }
    }

    /// <summary>Leaves the room for good: off the user's list, on every device of theirs.</summary>
    private async Task LeaveForGoodAsync(string? room, CancellationToken cancellationToken)
    {
        if (room is null)
        {
            Print("! Which room? /leave ROOM");
            return;
        }

        await client.LeaveRoomForGoodAsync(room, cancellationToken);
        Forget(room);
        Print($"— left {room} for good{(_current is null ? string.Empty : $"; now in {_current}")}");
    }

    private void Forget(string room)
    {
        lock (_gate)
        {
            _rooms.Remove(room);
            if (_current == room)
            {
                _current = _rooms.Keys.FirstOrDefault();
            }
        }
    }

    private void SubscribeMyRooms(CancellationToken cancellationToken)
    {
        client.RoomAdded += room =>
        {
            Print($"— {room.Room} was joined on another device; joining it here");
            // Not awaited: the join's answer comes on the connection that raises this event. Not made current: the user
            // typing here is not moved to another room under their fingers.
            _ = JoinQuietlyAsync(room.Room, makeCurrent: false, cancellationToken);
            return Task.CompletedTask;
        };
        client.RoomRemoved += room =>
        {
            Forget(room);
            return Show($"— {room} is no longer one of your rooms");
        };
    }

    private static string Describe(MyRoom room) =>
        room.UnreadCount == 0 ? room.Room : $"{room.Room} ({room.UnreadCount} unread{(room.MentionCount > 0 ? $", {room.MentionCount} mentioning you" : string.Empty)})";
}
