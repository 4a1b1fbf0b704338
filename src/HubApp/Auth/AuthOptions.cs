namespace HubApp.Auth;

/// <summary>
/// Token validation and the development token issuer. Section <c>Auth</c>:
/// <code>
/// "Auth": {
///   "SigningKey": "…at least 32 bytes…", "Issuer": "hubapp", "Audience": "hubapp", "Authority": null,
///   "ClockSkew": "00:00:30", "AdminRole": "hubapp.admin", "MaxConnectionLifetime": "1.00:00:00",
///   "DevTokens": { "Enabled": true, "Lifetime": "01:00:00" }
/// }
/// </code>
/// </summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Shortest HS256 key accepted, in bytes (RFC 7518 §3.2).</summary>
    public const int MinSigningKeyBytes = 32;

    /// <summary>
    /// HS256 key for the tokens this app issues and accepts. Required (≥ 32 bytes of UTF-8) when
    /// <see cref="Authority"/> is unset outside Development; the embedded default ships a public dev key,
    /// which is refused outside Development.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Required <c>iss</c> of every token. Default <c>hubapp</c>.</summary>
    public string Issuer { get; set; } = "hubapp";

    /// <summary>Required <c>aud</c> of every token. Default <c>hubapp</c>.</summary>
    public string Audience { get; set; } = "hubapp";

    /// <summary>An OpenID Connect authority whose published keys validate tokens instead of <see cref="SigningKey"/>. Unset by default.</summary>
    public string? Authority { get; set; }

    /// <summary>Tolerance for clocks that disagree when checking <c>exp</c> and <c>nbf</c>. Default 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The value of the token's <c>role</c> claim (a string or an array) that makes its bearer an admin. Default
    /// <c>hubapp.admin</c>. Today an admin may read <c>/metrics</c> when <c>Metrics:RequireAuth</c> is true.
    /// </summary>
    public string AdminRole { get; set; } = "hubapp.admin";

    /// <summary>
    /// The longest a hub connection stays open on one token, however far away its <c>exp</c>. Default one day: a token
    /// is checked when a connection starts, so this bounds how long a long-lived, leaked or revoked token keeps
    /// reading; a client then reconnects with a fresh token and catches up from history, so nothing is missed.
    /// </summary>
    public TimeSpan MaxConnectionLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The <c>POST /auth/token</c> issuer.</summary>
    public DevTokenOptions DevTokens { get; set; } = new();
}

/// <summary>Section <c>Auth:DevTokens</c>.</summary>
public sealed class DevTokenOptions
{
    /// <summary>Whether <c>POST /auth/token</c> answers. Default true in the embedded default, false in Production.</summary>
    public bool Enabled { get; set; }

    /// <summary>Lifetime of an issued token. Default one hour.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);
}
