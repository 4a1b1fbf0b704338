using HubApp.Errors;
using HubApp.Storage;

namespace HubApp.Messaging;

/// <summary>
/// A draft's <c>attachmentIds</c> before the store claims them: at most <see cref="AttachmentsOptions.MaxPerMessage"/>, each
/// once (else <c>invalid_message</c>). An id that cannot be an upload's at all is <c>not_found</c> at once, as the store
/// would answer it; whether each names an unused upload of the caller's there is decided in the append's transaction.
/// </summary>
internal static class DraftAttachments
{
    /// <summary>The ids to claim, or null for none.</summary>
    public static IReadOnlyList<string>? Validate(IReadOnlyList<string>? ids, int maxPerMessage)
    {
        if (ids is not { Count: > 0 })
        {
            return null;
        }

        if (ids.Count > maxPerMessage)
        {
            throw ChatErrors.InvalidArgument($"a message carries at most {maxPerMessage} attachments.");
        }

        if (ids.Any(id => !UploadId.IsWellFormed(id)))
        {
            throw ChatErrors.AttachmentNotFound();
        }

        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            throw ChatErrors.InvalidArgument("an attachment id is named twice.");
        }

        return [.. ids];
    }
}
