using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>Refusals as the contract words them: a HubException whose message is "code: text".</summary>
internal static class ChatErrors
{
    public static HubException InvalidRoom() =>
        Create(ErrorCodes.InvalidRoom, "room names are 1–64 characters: a letter or digit, then letters, digits, '_', '-' or '.'.");

    public static HubException NotInRoom(string room) => Create(ErrorCodes.NotInRoom, $"join '{room}' first.");

    public static HubException InvalidMessage() => Create(ErrorCodes.InvalidMessage, "the message is empty.");

    public static HubException MessageTooLong(int max) => Create(ErrorCodes.MessageTooLong, $"messages are at most {max} characters.");

    public static HubException TooManyRooms(int max) => Create(ErrorCodes.TooManyRooms, $"a connection may join at most {max} rooms.");

    public static HubException InvalidUser() => Create(ErrorCodes.InvalidUser, "the user id is empty or malformed.");

    public static HubException RateLimited(int perSecond) => Create(ErrorCodes.RateLimited, $"at most {perSecond} messages per second; nothing was delivered.");

    public static HubException TypingRateLimited(int perSecond) => Create(ErrorCodes.RateLimited, $"at most {perSecond} typing notices per second; nothing was delivered.");

    public static HubException JoinsRateLimited(int perMinute) => Create(ErrorCodes.RateLimited, $"too many room joins; at most {perMinute} a minute once the burst is spent.");

    public static HubException Unavailable() => Create(ErrorCodes.Unavailable, "the message store cannot take messages now; nothing was stored or delivered, retry later.");

    public static HubException TooManyConnections(int max) => Create(ErrorCodes.TooManyConnections, $"a user may hold at most {max} connections.");

    private static HubException Create(string code, string text) => new($"{code}: {text}");
}
