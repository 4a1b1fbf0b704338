namespace HubApp.Security;

/// <summary>
/// Browser origins allowed besides the page's own. Section <c>Cors</c>:
/// <code>
/// "Cors": { "AllowedOrigins": [ "https://chat.example.com" ] }
/// </code>
/// </summary>
public sealed class CorsSettings
{
    public const string SectionName = "Cors";

    /// <summary>Origins (scheme://host[:port]) allowed to connect from a browser. Empty by default: same origin only.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>The form browsers send in the Origin header: lowercase, no trailing slash.</summary>
    public static string Normalize(string origin) => origin.Trim().TrimEnd('/').ToLowerInvariant();
}
