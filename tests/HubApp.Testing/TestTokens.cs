using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HubApp.Testing;

/// <summary>Mints real bearer tokens, good and deliberately bad, for the test host's settings.</summary>
public static class TestTokens
{
    public const string SigningKey = "hubapp-tests-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz";
    public const string Issuer = "hubapp";
    public const string Audience = "hubapp";

    /// <summary>The default <c>Auth:AdminRole</c>.</summary>
    public const string AdminRole = "hubapp.admin";

    public static string Create(
        string userId,
        string? userName = null,
        string key = SigningKey,
        string issuer = Issuer,
        string audience = Audience,
        DateTime? expires = null,
        DateTime? notBefore = null,
        IReadOnlyList<string>? roles = null,
        IDictionary<string, object>? headers = null)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", userId) };
        if (userName is not null)
        {
            claims.Add(new Claim("name", userName));
        }

        // One role is written as a string, several as an array: both forms a token may use.
        claims.AddRange((roles ?? []).Select(role => new Claim("role", role)));

        var notBeforeValue = notBefore ?? now.AddMinutes(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBeforeValue,
            NotBefore = notBeforeValue,
            Expires = expires ?? now.AddHours(1),
            Subject = new ClaimsIdentity(claims),
            AdditionalHeaderClaims = headers,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token without a subject claim.</summary>
    public static string WithoutSubject() => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Expires = DateTime.UtcNow.AddHours(1),
        Subject = new ClaimsIdentity([new Claim("name", "nobody")]),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
    });

    /// <summary>An unsigned token ("alg": "none") with otherwise valid claims.</summary>
    public static string AlgNone(string userId)
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode($$"""{"sub":"{{userId}}","iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{exp}}}""");
        return $"{header}.{payload}.";
    }
}
