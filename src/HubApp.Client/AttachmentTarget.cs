namespace HubApp.Client;

/// <summary>Where an upload goes (contract v3, "Attachments"): a room, or the conversation with a user.</summary>
public sealed record AttachmentTarget
{
    private AttachmentTarget(string path) => Path = path;

    /// <summary>The upload's path below the server's base address, with the name escaped.</summary>
    internal string Path { get; }

    /// <summary>An upload for a message in <paramref name="room"/>; the caller must be allowed to post there.</summary>
    public static AttachmentTarget Room(string room)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        return new AttachmentTarget($"api/rooms/{Uri.EscapeDataString(room)}/attachments");
    }

    /// <summary>An upload for a direct message to <paramref name="userId"/>.</summary>
    public static AttachmentTarget User(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return new AttachmentTarget($"api/direct/{Uri.EscapeDataString(userId)}/attachments");
    }

    public override string ToString() => Path;
}
