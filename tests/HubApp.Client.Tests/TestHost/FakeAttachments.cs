using System.Collections.Concurrent;
using HubApp.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace HubApp.Client.Tests.TestHost;

/// <summary>
/// The contract's attachment endpoints, kept in memory: uploads read the multipart body section by section as it
/// arrives (so a test sees whether the client streams), downloads answer the bytes uploaded. Scriptable like the hub.
/// </summary>
public sealed class FakeAttachments
{
    private readonly ConcurrentDictionary<string, (Attachment Attachment, byte[] Bytes)> _files = new(StringComparer.Ordinal);
    private int _lastId;

    /// <summary>An upload whose Content-Length says more is refused with 413 before its body is read, as the contract says.</summary>
    public long MaxBytes { get; set; } = long.MaxValue;

    /// <summary>Runs each time the body of an upload was read further, with the bytes of the file read so far.</summary>
    public Func<long, Task>? WhileReceiving { get; set; }

    /// <summary>Every upload request as it came: the path, the Authorization header and the Content-Length (null when chunked).</summary>
    public ConcurrentQueue<(string Path, string? Authorization, long? ContentLength)> Requests { get; } = new();

    /// <summary>Uploads that were read to the end and stored.</summary>
    public int Stored => _files.Count;

    public Attachment? Find(string id) => _files.TryGetValue(id, out var file) ? file.Attachment : null;

    public byte[] Bytes(string id) => _files[id].Bytes;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/rooms/{target}/attachments", UploadAsync);
        app.MapPost("/api/direct/{target}/attachments", UploadAsync);
        app.MapGet("/api/attachments/{id}", (string id) => _files.TryGetValue(id, out var file)
            ? Results.File(file.Bytes, file.Attachment.ContentType, file.Attachment.Name)
            : Refuse(ErrorCodes.NotFound, StatusCodes.Status404NotFound));
    }

    private async Task<IResult> UploadAsync(HttpContext context, string target)
    {
        var request = context.Request;
        Requests.Enqueue((request.Path.Value!, request.Headers.Authorization.ToString(), request.ContentLength));
        if (request.ContentLength > MaxBytes)
        {
            return Refuse(ErrorCodes.AttachmentTooLarge, StatusCodes.Status413PayloadTooLarge);
        }

        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value != "file")
            {
                continue;
            }

            var name = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value! : disposition.FileName.Value!;
            using var bytes = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await section.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                bytes.Write(buffer, 0, read);
                if (WhileReceiving is { } hook)
                {
                    await hook(bytes.Length);
                }
            }

            if (bytes.Length == 0)
            {
                return Refuse(ErrorCodes.InvalidAttachment, StatusCodes.Status415UnsupportedMediaType);
            }

            var id = $"file{Interlocked.Increment(ref _lastId)}-{target}";
            var attachment = new Attachment(id, name, "application/octet-stream", bytes.Length, null, null, $"/api/attachments/{id}", null);
            _files[id] = (attachment, bytes.ToArray());
            return Results.Created(attachment.Url, attachment);
        }

        return Refuse(ErrorCodes.InvalidAttachment, StatusCodes.Status415UnsupportedMediaType);
    }

    private static IResult Refuse(string code, int status) =>
        Results.Problem(title: code, statusCode: status, detail: $"refused: {code}", extensions: new Dictionary<string, object?> { ["code"] = code });
}
