using System.Net;
using System.Text.Json;
using HubApp.Contracts;

namespace HubApp.Client.Internal;

/// <summary>
/// Turns a refused HTTP request into what the hub's refusals are: a <see cref="ChatException"/> with the contract's
/// code. The server answers <c>application/problem+json</c> with the code in <c>code</c>; an answer without one (a
/// proxy's, or a 413 sent before the body was read) gets the code its status stands for. A status no code stands for
/// (401, a 500) is an <see cref="HttpRequestException"/> with that status, as a refused negotiate is.
/// </summary>
internal static class HttpRefusals
{
    // A problem document is small; a larger body is not one, and is not read further.
    private const int MaxProblemBytes = 16 * 1024;

    public static async Task<Exception> ToExceptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var (code, detail) = await ReadProblemAsync(response, ct).ConfigureAwait(false);
        code ??= CodeOf(response.StatusCode);
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        return code is null
            ? new HttpRequestException($"The server answered {status}.", null, response.StatusCode)
            : new ChatException($"{code}: {detail ?? status}");
    }

    private static string? CodeOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.RequestEntityTooLarge => ErrorCodes.AttachmentTooLarge,
        HttpStatusCode.UnsupportedMediaType => ErrorCodes.InvalidAttachment,
        HttpStatusCode.NotFound => ErrorCodes.NotFound,
        HttpStatusCode.Forbidden => ErrorCodes.Forbidden,
        HttpStatusCode.TooManyRequests => ErrorCodes.RateLimited,
        HttpStatusCode.ServiceUnavailable => ErrorCodes.Unavailable,
        _ => null,
    };

    private static async Task<(string? Code, string? Detail)> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
        {
            return (null, null);
        }

        try
        {
            var body = new byte[MaxProblemBytes];
            var length = 0;
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while (length < body.Length && (read = await stream.ReadAsync(body.AsMemory(length), ct).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }
            }

            using var problem = JsonDocument.Parse(body.AsMemory(0, length));
            var root = problem.RootElement;
            return (Text(root, "code"), Text(root, "detail"));
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException)
        {
            // No readable problem: the status speaks for it.
            return (null, null);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
