using HubApp.Client;
using HubApp.Contracts;

namespace HubApp.Testing;

/// <summary>A room's whole stored history, as a client catching up from the start sees it.</summary>
public static class RoomHistory
{
    /// <summary>Joins <paramref name="room"/> with sinceId 0 and follows the pages (JoinRoom with the last id) until complete.</summary>
    public static async Task<IReadOnlyList<ChatMessage>> ReadAllAsync(ChatClient client, string room, int maxPages = 200)
    {
        var messages = new List<ChatMessage>();
        long since = 0;
        for (var page = 0; page < maxPages; page++)
        {
            var snapshot = await client.JoinRoomAsync(room, since).DefaultTimeout();
            messages.AddRange(snapshot.Messages);
            if (snapshot.Complete || snapshot.Messages.Count == 0)
            {
                return messages;
            }

            since = snapshot.Messages[^1].Id;
        }

        throw new InvalidOperationException($"The history of {room} did not end within {maxPages} pages.");
    }
}
