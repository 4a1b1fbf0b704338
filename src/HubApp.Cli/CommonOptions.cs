using System.CommandLine;

namespace HubApp.Cli;

internal static class CommonOptions
{
    /// <summary><c>--server URL</c>: the host's base URL, http or https.</summary>
    public static Option<Uri> Server(string defaultUrl = "http://localhost:5080") => new("--server")
    {
        Description = "The host's base URL.",
        DefaultValueFactory = _ => new Uri(defaultUrl),
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"--server must be an http(s) URL such as http://localhost:5080, not '{text}'.");
            return null;
        },
    };
}
