using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HubApp.Auth;

/// <summary>
/// The one HS256 key this process signs and validates with. Without a configured key (allowed only in
/// Development, see <see cref="AuthOptionsValidator"/>) it is random per process, so tokens do not survive a restart.
/// </summary>
internal sealed class SigningKeyProvider(IOptions<AuthOptions> options)
{
    private readonly Lazy<SymmetricSecurityKey> _key = new(() =>
    {
        var configured = options.Value.SigningKey;
        var bytes = string.IsNullOrEmpty(configured) ? RandomNumberGenerator.GetBytes(64) : Encoding.UTF8.GetBytes(configured);
        return new SymmetricSecurityKey(bytes);
    });

    public SymmetricSecurityKey Key => _key.Value;
}
