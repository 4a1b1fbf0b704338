using System.Net.Http.Headers;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Options;

namespace HubApp.Push;

/// <summary>
/// RFC 8292 §2: the JWT's <c>aud</c> is the push resource's origin, port included. Lib.Net.Http.WebPush 3.3.1 leaves a
/// non-default port out (scheme and host only), which a push service on a port of its own refuses; for such an endpoint
/// the token is made again here for the whole origin. Endpoints on the default port (every real push service) keep the
/// library's token as it is.
/// </summary>
internal sealed class VapidAudienceHandler(VapidKeys keys, IOptions<PushOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsDefaultPort: false } uri
            && string.Equals(request.Headers.Authorization?.Scheme, "vapid", StringComparison.OrdinalIgnoreCase))
        {
            var pair = await keys.GetAsync(cancellationToken);
            using var vapid = new VapidAuthentication(pair.PublicKey, pair.PrivateKey) { Subject = options.Value.Subject };
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "vapid", vapid.GetVapidSchemeAuthenticationHeaderValueParameter(uri.GetLeftPart(UriPartial.Authority)));
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
