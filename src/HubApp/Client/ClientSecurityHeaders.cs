using Microsoft.Net.Http.Headers;

namespace HubApp.Client;

/// <summary>
/// Headers that keep the page's own content the only thing it runs: a Content-Security-Policy without inline
/// script or style (every user text is also rendered as text, so this is the second wall, not the first), no
/// MIME sniffing, no referrer, no framing. Set on every response; harmless on JSON and hub responses. Images may
/// also come from <c>blob:</c> URLs: attachments are read with the bearer token in a header (fetch), never with the
/// token in an image's URL, and shown from the blob.
/// </summary>
internal sealed class ClientSecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
        + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers[HeaderNames.XFrameOptions] = "DENY";
        return next(context);
    }
}
