using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Storage;

namespace HubApp.Attachments;

/// <summary>
/// Who may download an upload: before a message uses it, only its uploader; after, whoever may read the room (the same
/// decision as <c>GetHistory</c>'s, <see cref="RoomAuthorization"/>) or is one of the conversation's two users; nobody once
/// the message is deleted or pruned. Whoever may not is told what an unknown id gets, so existence does not leak.
/// </summary>
internal sealed class AttachmentAccess(IAttachmentStore store, RoomAuthorization authorization)
{
    /// <summary>The upload <paramref name="id"/>, when the caller may read it; null otherwise (and for an unknown id).</summary>
    public async Task<StoredAttachment?> FindReadableAsync(ChatCaller caller, string id, CancellationToken cancellationToken)
    {
        if (!UploadId.IsWellFormed(id) || await store.FindUploadAsync(id, cancellationToken) is not { } upload)
        {
            return null;
        }

        var allowed = upload switch
        {
            { MessageId: null } => upload.OwnerId == caller.UserId,
            { MessageLive: false } => false,
            { Direct: true } => upload.Log.Split('\u001f').Contains(caller.UserId, StringComparer.Ordinal),
            _ => await authorization.CanReadAsync(caller, upload.Log, cancellationToken),
        };
        return allowed ? upload : null;
    }
}
