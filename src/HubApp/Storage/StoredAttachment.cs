using HubApp.Contracts;

namespace HubApp.Storage;

/// <summary>
/// An upload as the store keeps it: who uploaded it, for which room or conversation (<see cref="Log"/>: the room name, or
/// the conversation key when <see cref="Direct"/>), what it is, and the message that uses it (<see cref="MessageId"/>, null
/// before). <see cref="MessageLive"/> tells whether that message is still stored and not deleted.
/// </summary>
public sealed record StoredAttachment(
    string Id,
    string OwnerId,
    string Log,
    bool Direct,
    string Name,
    string ContentType,
    long Size,
    int? Width,
    int? Height,
    DateTime CreatedAt,
    long? MessageId = null,
    bool MessageLive = false)
{
    /// <summary>The four types served inline, with a size in pixels and a thumbnail (contract v3).</summary>
    public static bool IsImage(string contentType) => contentType is "image/png" or "image/jpeg" or "image/gif" or "image/webp";

    /// <summary>Where a file is downloaded.</summary>
    public static string UrlOf(string id) => "/api/attachments/" + id;

    /// <summary>Where an image's thumbnail is downloaded.</summary>
    public static string ThumbnailUrlOf(string id) => UrlOf(id) + "/thumbnail";

    /// <summary>The wire shape of a file with these facts.</summary>
    public static Attachment Describe(string id, string name, string contentType, long size, int? width, int? height) =>
        new(id, name, contentType, size, width, height, UrlOf(id), IsImage(contentType) ? ThumbnailUrlOf(id) : null);

    public Attachment ToAttachment() => Describe(Id, Name, ContentType, Size, Width, Height);
}

/// <summary>The uploads' descriptions in the message store (the bytes are the attachment content provider's).</summary>
public interface IAttachmentStore
{
    /// <summary>Records a new upload, not yet used by a message.</summary>
    Task AddUploadAsync(StoredAttachment upload, CancellationToken cancellationToken);

    /// <summary>The upload with this id, with whether the message that uses it is live; null when there is none.</summary>
    Task<StoredAttachment?> FindUploadAsync(string id, CancellationToken cancellationToken);

    /// <summary>Removes the description of an upload that is not used (an upload that failed before it was answered).</summary>
    Task RemoveUnusedUploadAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the descriptions of at most <paramref name="limit"/> uploads no message used that were made before
    /// <paramref name="createdBefore"/>, oldest first; answers their ids. An upload claimed meanwhile is not one of them.
    /// </summary>
    Task<IReadOnlyList<string>> RemoveUnusedUploadsAsync(DateTime createdBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="ids"/> have a description.</summary>
    Task<IReadOnlySet<string>> FindKnownUploadsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>The bytes of <paramref name="ownerId"/>'s uploads that no message uses.</summary>
    Task<long> UnusedBytesAsync(string ownerId, CancellationToken cancellationToken);

    /// <summary>How many uploads are described, used or not.</summary>
    Task<long> CountUploadsAsync(CancellationToken cancellationToken);
}

