using System.Security.Claims;
using HubApp.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HubApp.Auth;

/// <summary>Mints HS256 tokens for <c>POST /auth/token</c>.</summary>
internal sealed class DevTokenIssuer(IOptions<AuthOptions> options, SigningKeyProvider keys, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public DevToken Issue(string userName)
    {
        var auth = options.Value;
        // Whole seconds, as JWT times are: the answer's expiresAt is then exactly the token's exp.
        var now = DateTime.UnixEpoch.AddSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + auth.DevTokens.Lifetime;
        // A name is its owner in this development scheme: "Alice" and "alice" are one user.
        var userId = userName.ToLowerInvariant();
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim(ChatClaims.Subject, userId), new Claim(ChatClaims.Name, userName)]),
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
        return new DevToken(token, expires, userId, userName);
    }
}
