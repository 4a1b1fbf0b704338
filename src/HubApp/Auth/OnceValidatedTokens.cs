using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HubApp.Auth;

/// <summary>
/// The JWT bearer handler's token handler: <see cref="JsonWebTokenHandler"/>, whose successful validations are remembered
/// by a SHA-256 of the exact token text, so that a connection's second request with the same token (negotiate, then the
/// WebSocket request) and a reconnect do not parse and check it again.
/// </summary>
/// <remarks>
/// A remembered validation is answered only while every check would still pass: the same bytes give the same signature,
/// issuer, audience and claims; what can change is the clock and the parameters, so each hit checks again that
/// now lies within the token's lifetime (with the clock skew, by the clock the handler reads), that the key which verified the
/// signature is still one of the parameters' keys (a key rotation or a refreshed authority configuration brings other key
/// objects, and misses), and that the issuer and audience are still accepted. Anything else is validated in full. Failures
/// are never remembered: a token one byte away from a remembered one has another digest and is validated in full. An entry
/// lives until its token expires; at most <see cref="MaxEntries"/> are kept. Neither the token nor its digest is logged.
/// Called concurrently from every request. The remembered identity is shared by the requests that hit it: it is read,
/// never changed (the bearer options' <c>OnTokenValidated</c> replaces the principal with a new one).
/// </remarks>
internal sealed class OnceValidatedTokens(TokenHandler inner) : TokenHandler
{
    /// <summary>Validated tokens kept at most; past it, expired ones are dropped, and if none is, all (a bound on memory).</summary>
    public const int MaxEntries = 4096;

    // Above this a token is not remembered: its digest would cost more than the check, and no token this app accepts is this long.
    private const int MaxTokenChars = 16 * 1024;

    private readonly ConcurrentDictionary<Digest, Entry> _validated = new();

    private long _hits;

    /// <summary>Validations answered from memory (for tests).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenChars)
        {
            return await inner.ValidateTokenAsync(token, validationParameters);
        }

        var digest = Digest.Of(token);
        if (_validated.TryGetValue(digest, out var entry))
        {
            if (entry.StillValid(validationParameters))
            {
                Interlocked.Increment(ref _hits);
                return entry.Result;
            }

            _validated.TryRemove(new KeyValuePair<Digest, Entry>(digest, entry));
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && Entry.Of(result, validationParameters) is { } validated)
        {
            if (_validated.Count >= MaxEntries)
            {
                Trim(validationParameters);
            }

            _validated[digest] = validated;
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    private void Trim(TokenValidationParameters validationParameters)
    {
        var now = Now;
        foreach (var (digest, entry) in _validated)
        {
            if (entry.Expires + validationParameters.ClockSkew < now)
            {
                _validated.TryRemove(digest, out _);
            }
        }

        if (_validated.Count >= MaxEntries)
        {
            _validated.Clear();
        }
    }

    // The clock the handler's own lifetime check reads.
    private static DateTime Now => DateTime.UtcNow;

    private readonly record struct Digest(UInt128 First, UInt128 Second)
    {
        public static Digest Of(string token)
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            var length = Encoding.UTF8.GetByteCount(token);
            Span<byte> bytes = length <= 1024 ? stackalloc byte[1024] : new byte[length];
            SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], hash);
            return new Digest(BitConverter.ToUInt128(hash), BitConverter.ToUInt128(hash[16..]));
        }
    }

    private sealed record Entry(TokenValidationResult Result, SecurityKey SigningKey, string Issuer, string[] Audiences, DateTime? NotBefore, DateTime Expires)
    {
        // Only a token with an expiry, signed by a key the parameters name, is remembered: without either, a hit could not
        // be checked again as the full validation checks it. Nor one signed by a certificate's key, whose validity (the
        // certificate's dates) passes with time.
        public static Entry? Of(TokenValidationResult result, TokenValidationParameters validationParameters) =>
            result.SecurityToken is JsonWebToken { SigningKey: { } key and not X509SecurityKey } jwt
            && jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out _)
            && HasKey(validationParameters, key)
                ? new Entry(result, key, jwt.Issuer, [.. jwt.Audiences], jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out _) ? jwt.ValidFrom : null, jwt.ValidTo)
                : null;

        public bool StillValid(TokenValidationParameters validationParameters)
        {
            var now = Now;
            var skew = validationParameters.ClockSkew;
            // The checks this repeats are the handler's own only without delegates of the caller's, and a replay check must
            // see every use.
            return validationParameters is
                {
                    ValidateLifetime: true, ValidateIssuer: true, ValidateAudience: true, RequireSignedTokens: true, ValidateTokenReplay: false,
                    LifetimeValidator: null, IssuerValidator: null, AudienceValidator: null, SignatureValidator: null, IssuerSigningKeyValidator: null,
                }
                && Expires + skew >= now
                && (NotBefore is not { } notBefore || notBefore - skew <= now)
                && HasKey(validationParameters, SigningKey)
                && (validationParameters.ValidIssuer == Issuer || (validationParameters.ValidIssuers?.Contains(Issuer, StringComparer.Ordinal) ?? false))
                && Audiences.Any(a => validationParameters.ValidAudience == a || (validationParameters.ValidAudiences?.Contains(a, StringComparer.Ordinal) ?? false));
        }

        // By reference: a rotated key, even of the same bytes, is another object and the token is validated again.
        private static bool HasKey(TokenValidationParameters validationParameters, SecurityKey key) =>
            ReferenceEquals(validationParameters.IssuerSigningKey, key)
            || (validationParameters.IssuerSigningKeys?.Any(k => ReferenceEquals(k, key)) ?? false);
    }
}
