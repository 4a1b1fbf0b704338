namespace HubApp.Contracts;

/// <summary>The values of <see cref="ChatMessage.Kind"/> (docs/protocol.md, "ChatMessage").</summary>
public static class MessageKinds
{
    /// <summary>A chat message; every v1 entry is one.</summary>
    public const string Message = "message";

    /// <summary>The author changed message <see cref="ChatMessage.TargetId"/>; the entry's text is the new text.</summary>
    public const string Edit = "edit";

    /// <summary>Message <see cref="ChatMessage.TargetId"/> was deleted; the entry's text is empty.</summary>
    public const string Delete = "delete";

    /// <summary>(v3) The author added the reaction <see cref="ChatMessage.Text"/> (an emoji) to message <see cref="ChatMessage.TargetId"/>.</summary>
    public const string React = "react";

    /// <summary>(v3) The author took their reaction <see cref="ChatMessage.Text"/> off message <see cref="ChatMessage.TargetId"/>.</summary>
    public const string Unreact = "unreact";
}

/// <summary>(v3) The values of <see cref="DirectMessage.Kind"/>: a conversation's log has the room log's kinds.</summary>
public static class DirectMessageKinds
{
    public const string Message = MessageKinds.Message;
    public const string Edit = MessageKinds.Edit;
    public const string Delete = MessageKinds.Delete;
    public const string React = MessageKinds.React;
    public const string Unreact = MessageKinds.Unreact;
}

/// <summary>The values of <see cref="RoomSummary.Kind"/> and <see cref="RoomInfo.Kind"/> (docs/protocol.md, "String values").</summary>
public static class RoomKinds
{
    /// <summary>Nobody created it: the first JoinRoom made it; anyone may join, read and post; admins moderate.</summary>
    public const string Open = "open";

    /// <summary>Created; anyone may join, read and post unless banned or muted; listed for everyone.</summary>
    public const string Public = "public";

    /// <summary>Created; only its members may join, read it, or see it listed.</summary>
    public const string Private = "private";
}

/// <summary>The values of <see cref="RoomMember.Role"/> and of <c>SetRole</c>'s role.</summary>
public static class RoomRoles
{
    public const string Owner = "owner";
    public const string Moderator = "moderator";
    public const string Member = "member";
}

/// <summary>The values of <see cref="RoomRemoval.Reason"/>.</summary>
public static class RemovalReasons
{
    public const string Kicked = "kicked";
    public const string Banned = "banned";
    public const string Left = "left";
}
