using HubApp.Api;
using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Rooms;
using HubApp.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HubApp.Attachments;

/// <summary>
/// Upload (<c>POST /api/rooms/{room}/attachments</c>, <c>POST /api/direct/{userId}/attachments</c>) and download
/// (<c>GET</c>/<c>HEAD /api/attachments/{id}</c> and its <c>/thumbnail</c>). Each handler decides who may, then delegates:
/// a room upload as a post is decided (<see cref="RoomAuthorization.RequirePostableAsync"/>), a conversation's as
/// <c>PostDirect</c> decides (a valid user id), the bytes to <see cref="AttachmentUploads"/>; a download to
/// <see cref="AttachmentAccess"/>, then the provider's seekable stream, which the framework answers with ranges,
/// <c>ETag</c> (strong: an upload never changes) and <c>If-None-Match</c>.
/// </summary>
internal static class AttachmentEndpoints
{
    public static async Task<IResult> UploadToRoomAsync(
        string room, HttpContext context, RoomAuthorization authorization, AttachmentUploads uploads, IOptions<AuthOptions> auth, CancellationToken cancellationToken)
    {
        var caller = RoomMessagesEndpoints.CallerOf(context, auth.Value);
        var name = RoomAccess.RequireValid(room);
        await authorization.RequirePostableAsync(caller, name, cancellationToken);
        return Created(await uploads.ReceiveAsync(context, caller.UserId, name, direct: false, cancellationToken));
    }

    public static async Task<IResult> UploadToConversationAsync(
        string userId, HttpContext context, AttachmentUploads uploads, IOptions<AuthOptions> auth, CancellationToken cancellationToken)
    {
        var caller = RoomMessagesEndpoints.CallerOf(context, auth.Value);
        var other = ChatClaims.RequireValidUserId(userId);
        var conversation = RelationalMessageStore.ConversationKey(caller.UserId, other);
        return Created(await uploads.ReceiveAsync(context, caller.UserId, conversation, direct: true, cancellationToken));
    }

    public static Task<IResult> DownloadAsync(
        string id, HttpContext context, AttachmentAccess access, IAttachmentContent content, IOptions<AuthOptions> auth, CancellationToken cancellationToken) =>
        ServeAsync(id, thumbnail: false, context, access, content, auth.Value, cancellationToken);

    public static Task<IResult> DownloadThumbnailAsync(
        string id, HttpContext context, AttachmentAccess access, IAttachmentContent content, IOptions<AuthOptions> auth, CancellationToken cancellationToken) =>
        ServeAsync(id, thumbnail: true, context, access, content, auth.Value, cancellationToken);

    private static Microsoft.AspNetCore.Http.HttpResults.Created<Attachment> Created(Attachment attachment) => TypedResults.Created(attachment.Url, attachment);

    private static async Task<IResult> ServeAsync(
        string id, bool thumbnail, HttpContext context, AttachmentAccess access, IAttachmentContent content, AuthOptions auth, CancellationToken cancellationToken)
    {
        var caller = RoomMessagesEndpoints.CallerOf(context, auth);
        if (await access.FindReadableAsync(caller, id, cancellationToken) is not { } upload
            || (thumbnail && !StoredAttachment.IsImage(upload.ContentType))
            || await content.OpenReadAsync(thumbnail ? IAttachmentContent.ThumbnailKey(id) : id, cancellationToken) is not { } stream)
        {
            throw ChatErrors.FileNotFound();
        }

        var image = StoredAttachment.IsImage(upload.ContentType);
        var disposition = new ContentDispositionHeaderValue(image ? "inline" : "attachment");
        disposition.SetHttpFileName(upload.Name);
        context.Response.Headers.ContentDisposition = disposition.ToString();
        return TypedResults.Stream(
            stream,
            thumbnail ? ImageProcessor.ThumbnailType(upload.ContentType) : upload.ContentType,
            lastModified: new DateTimeOffset(upload.CreatedAt, TimeSpan.Zero),
            entityTag: new EntityTagHeaderValue($"\"{id}{(thumbnail ? "-thumbnail" : string.Empty)}\""),
            enableRangeProcessing: true);
    }
}
