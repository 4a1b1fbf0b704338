namespace HubApp.Client.Internal;

/// <summary>The contract's HTTP-only codes for uploads (v3, "Attachments").</summary>
internal static class AttachmentErrorCodes
{
    public const string TooLarge = "attachment_too_large";
    public const string Invalid = "invalid_attachment";
}
