namespace HubApp.Bench;

/// <summary>The hub methods the lean client invokes.</summary>
internal enum LeanCall
{
    Ping,
    JoinRoom,
    SendMessage,
    PostMessage,
    Post,
    React,
    SendDirectMessage,
}

/// <summary>
/// One invocation of the lean client and its arguments. <see cref="Room"/>: the room, or the user a direct message
/// goes to; <see cref="Stamp"/>: the send time the 64-character text
/// carries (made in place when the frame is written); <see cref="Id"/>: the thread root of a <c>Post</c>, the message
/// of a <c>React</c>.
/// </summary>
internal readonly record struct LeanInvocation(LeanCall Call, string? Room, long? Stamp = null, string? ClientMessageId = null, long? Id = null, string? Emoji = null, bool Add = false)
{
    public static LeanInvocation Ping => new(LeanCall.Ping, null);

    /// <summary>The method's name as UTF-8, as the frame carries it.</summary>
    public ReadOnlySpan<byte> Target => Call switch
    {
        LeanCall.Ping => "Ping"u8,
        LeanCall.JoinRoom => "JoinRoom"u8,
        LeanCall.SendMessage => "SendMessage"u8,
        LeanCall.PostMessage => "PostMessage"u8,
        LeanCall.Post => "Post"u8,
        LeanCall.SendDirectMessage => "SendDirectMessage"u8,
        _ => "React"u8,
    };

    public static LeanInvocation JoinRoom(string room) => new(LeanCall.JoinRoom, room);

    public static LeanInvocation SendMessage(string room, long stamp) => new(LeanCall.SendMessage, room, stamp);

    public static LeanInvocation PostMessage(string room, long stamp, string clientMessageId) => new(LeanCall.PostMessage, room, stamp, clientMessageId);

    public static LeanInvocation Post(string room, long stamp, string clientMessageId, long? threadId) => new(LeanCall.Post, room, stamp, clientMessageId, threadId);

    public static LeanInvocation SendDirectMessage(string userId, long stamp) => new(LeanCall.SendDirectMessage, userId, stamp);

    public static LeanInvocation React(string room, long messageId, string emoji, bool add) => new(LeanCall.React, room, Id: messageId, Emoji: emoji, Add: add);
}
