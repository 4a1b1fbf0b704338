using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Messaging;
using HubApp.Storage;
using HubApp.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HubApp.Attachments;

/// <summary>
/// One upload, from the request body to a stored file and its description: the multipart body is read as a stream
/// (<see cref="MultipartReader"/>, never buffered whole), its part <c>file</c> staged on disk with a byte bound, its type
/// found in the bytes (<see cref="ContentSniffer"/>), an image re-encoded with a thumbnail (<see cref="ImageProcessor"/>),
/// then the bytes handed to the provider (<see cref="IAttachmentContent"/>) and the description to the store.
/// </summary>
/// <remarks>
/// Too large is known as soon as it can be: a <c>Content-Length</c> over the bound is refused before the body is read, a
/// longer body while it streams (by the count here, or by Kestrel's per-request body limit set to the same bound); either
/// way the answer closes the connection instead of reading the rest.
/// </remarks>
internal sealed class AttachmentUploads(
    IAttachmentContent content,
    IAttachmentStore store,
    ImageProcessor images,
    IOptions<AttachmentsOptions> options,
    IHostEnvironment environment,
    ChatMetrics metrics,
    TimeProvider time)
{
    /// <summary>What a multipart body may carry beyond the file itself: boundaries, part headers, a few small fields.</summary>
    public const long MultipartAllowance = 64 * 1024;

    /// <summary>The most parts read looking for <c>file</c>.</summary>
    private const int MaxParts = 8;

    private const int MaxNameLength = 255;

    private readonly long _maxBytes = options.Value.MaxBytes;
    private readonly long _maxUnused = options.Value.MaxUnusedBytesPerUser;
    private readonly string _staging = AttachmentPaths.Staging(options.Value, environment);

    /// <summary>Receives the request's file as an upload of <paramref name="ownerId"/>'s for <paramref name="log"/>.</summary>
    public async Task<Attachment> ReceiveAsync(HttpContext context, string ownerId, string log, bool direct, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > _maxBytes + MultipartAllowance)
        {
            throw TooLarge(context);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = _maxBytes + MultipartAllowance;
        }

        // Before the body is read (and again with its size): a user's waiting uploads are bounded on every node at once.
        var held = await store.UnusedBytesAsync(ownerId, cancellationToken);
        if (held >= _maxUnused)
        {
            context.Response.Headers.Connection = "close";
            throw ChatErrors.UnusedUploadsFull(_maxUnused);
        }

        var boundary = Boundary(request.ContentType);
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16, BodyLengthLimit = _maxBytes + MultipartAllowance };
        Directory.CreateDirectory(_staging);
        var staged = Path.Combine(_staging, Guid.NewGuid().ToString("N"));
        try
        {
            var (name, size) = await StageAsync(context, reader, staged, cancellationToken);
            if (size == 0)
            {
                throw ChatErrors.InvalidAttachment("the file is empty.");
            }

            if (held + size > _maxUnused)
            {
                throw ChatErrors.UnusedUploadsFull(_maxUnused);
            }

            return await StoreAsync(staged, name, ownerId, log, direct, cancellationToken);
        }
        finally
        {
            foreach (var file in new[] { staged, staged + ".image", staged + ".thumb" })
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Finds the part <c>file</c>, checks its name, and copies its bytes to <paramref name="staged"/>.</summary>
    private async Task<(string Name, long Size)> StageAsync(HttpContext context, MultipartReader reader, string staged, CancellationToken cancellationToken)
    {
        try
        {
            for (var parts = 0; parts < MaxParts && await reader.ReadNextSectionAsync(cancellationToken) is { } section; parts++)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value != "file")
                {
                    continue;
                }

                var name = RequireValidName(disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
                await using var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
                return (name, await BoundedCopy.CopyAsync(section.Body, file, _maxBytes, cancellationToken));
            }
        }
        catch (AttachmentTooLargeException)
        {
            throw TooLarge(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(context);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException or IOException)
        {
            // The body ended early or broke the multipart framing: nothing is stored.
            context.Response.Headers.Connection = "close";
            throw ChatErrors.InvalidAttachment("the body is not a whole multipart/form-data body.");
        }

        throw ChatErrors.InvalidAttachment("the body has no part 'file' with a file name.");
    }

    /// <summary>
    /// The description first, then the bytes: so bytes are only ever stored under a described id, and bytes whose
    /// description is gone are garbage the sweep may take at any time (<see cref="AttachmentSweeper"/>), never an upload
    /// still arriving. A failure takes back both; a crash in between leaves an unused description, which expires.
    /// </summary>
    private async Task<Attachment> StoreAsync(string staged, string name, string ownerId, string log, bool direct, CancellationToken cancellationToken)
    {
        var id = UploadId.New();
        var type = await ContentSniffer.SniffAsync(staged, cancellationToken);
        int? width = null, height = null;
        var source = staged;
        if (StoredAttachment.IsImage(type))
        {
            var image = await images.ProcessAsync(staged, type, staged + ".image", staged + ".thumb", cancellationToken);
            (type, width, height, source) = (image.ContentType, image.Width, image.Height, staged + ".image");
        }

        var upload = new StoredAttachment(id, ownerId, log, direct, name, type, new FileInfo(source).Length, width, height, time.GetUtcNow().UtcDateTime);
        await store.AddUploadAsync(upload, cancellationToken);
        try
        {
            if (width is not null)
            {
                await using var thumbnail = File.OpenRead(staged + ".thumb");
                await content.WriteAsync(IAttachmentContent.ThumbnailKey(id), thumbnail, long.MaxValue, cancellationToken);
            }

            await using var file = File.OpenRead(source);
            await content.WriteAsync(id, file, long.MaxValue, cancellationToken);
        }
        catch
        {
            await content.DeleteAsync(id, CancellationToken.None);
            await content.DeleteAsync(IAttachmentContent.ThumbnailKey(id), CancellationToken.None);
            await store.RemoveUnusedUploadAsync(id, CancellationToken.None);
            throw;
        }

        metrics.AttachmentStored(upload.Size);
        return upload.ToAttachment();
    }

    private ChatRefusedException TooLarge(HttpContext context)
    {
        // Not read to the end: the connection is closed after the answer.
        context.Response.Headers.Connection = "close";
        return ChatErrors.AttachmentTooLarge(_maxBytes);
    }

    private static string Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            throw ChatErrors.InvalidAttachment("the body is multipart/form-data with a part 'file'.");
        }

        return boundary;
    }

    /// <summary>
    /// A file name is 1–255 UTF-16 code units, well formed, without control characters, <c>/</c> or <c>\</c>, nor the
    /// bidirectional overrides that make "report[U+202E]fdp.exe" read as "reportexe.pdf".
    /// </summary>
    internal static string RequireValidName(string? name)
    {
        if (name is not { Length: > 0 and <= MaxNameLength } || name.Any(c => char.IsControl(c) || c is '/' or '\\' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            || !MessageText.IsWellFormed(name))
        {
            throw ChatErrors.InvalidAttachment($"a file name is 1 to {MaxNameLength} characters without control characters, '/' or '\\'.");
        }

        return name;
    }
}
