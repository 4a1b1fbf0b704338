namespace HubApp.Attachments;

/// <summary>
/// The bytes of uploads, one implementation per <c>Attachments:Provider</c>: the file of an upload and its thumbnail are
/// kept under keys (the upload's id; <see cref="ThumbnailKey"/>). The descriptions are the message store's
/// (<see cref="Storage.IAttachmentStore"/>).
/// </summary>
public interface IAttachmentContent
{
    /// <summary>
    /// Stores all of <paramref name="source"/> under <paramref name="key"/>, at most <paramref name="maxBytes"/> of it
    /// (<see cref="AttachmentTooLargeException"/> past that, and nothing is stored). Either the whole content is stored or
    /// none: a crash never leaves part of one under a key. Answers the bytes stored.
    /// </summary>
    Task<long> WriteAsync(string key, Stream source, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The content under <paramref name="key"/>, as a seekable stream (for ranges); null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes what is under <paramref name="key"/>, if anything.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every key stored, in no set order: the sweep deletes those whose upload has no description.</summary>
    IAsyncEnumerable<string> ListKeysAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes what writes cut short by a crash left behind, when written before <paramref name="writtenBefore"/>; answers
    /// how many. Nothing to do for a provider whose writes are transactions.
    /// </summary>
    Task<int> RemoveAbandonedAsync(DateTime writtenBefore, CancellationToken cancellationToken);

    /// <summary>The upload a key belongs to: the key itself, or the id before a suffix (<see cref="ThumbnailKey"/>).</summary>
    public static string UploadIdOf(string key) => key.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? key[..dot] : key;

    /// <summary>The key of an upload's thumbnail.</summary>
    public static string ThumbnailKey(string id) => id + ".thumb";
}

/// <summary>More bytes than the bound came; nothing was stored.</summary>
public sealed class AttachmentTooLargeException(long maxBytes) : Exception($"The content is over {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
