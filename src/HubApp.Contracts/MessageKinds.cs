namespace HubApp.Contracts;

/// <summary>The values of <see cref="ChatMessage.Kind"/> (shared/contract.md, "The room log").</summary>
public static class MessageKinds
{
    /// <summary>A chat message; every v1 entry is one.</summary>
    public const string Message = "message";

    /// <summary>The author changed message <see cref="ChatMessage.TargetId"/>; the entry's text is the new text.</summary>
    public const string Edit = "edit";

    /// <summary>Message <see cref="ChatMessage.TargetId"/> was deleted; the entry's text is empty.</summary>
    public const string Delete = "delete";
}
