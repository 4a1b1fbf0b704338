using System.Collections;

namespace HubApp.Configuration;

/// <summary>
/// Which environment the host runs in when the person starting it did not say so in a way the host sees.
/// </summary>
/// <remarks>
/// <c>dotnet run</c> applies the launch profile's variables over the shell's, so a profile that set
/// <c>ASPNETCORE_ENVIRONMENT=Development</c> made <c>ASPNETCORE_ENVIRONMENT=Production dotnet run</c> run in
/// Development, with dev tokens and the public key. The profile sets <see cref="DefaultVariable"/> instead, which only
/// counts when nothing else chose. And <c>dotnet run --environment Production</c> never reaches the app as an
/// argument: the SDK reads it as its own <c>-e NAME=VALUE</c> and sets an empty variable named <c>Production</c>,
/// which is taken here for what was meant. A host started without any of these runs in Production, the host's default.
/// </remarks>
public static class RunEnvironment
{
    /// <summary>Set by <c>Properties/launchSettings.json</c>: the environment of a plain <c>dotnet run</c>.</summary>
    public const string DefaultVariable = "HUBAPP_DEFAULT_ENVIRONMENT";

    private static readonly string[] StandardNames = ["Development", "Staging", "Production"];

    /// <summary>The environment to run in, or null to leave it to the host's own order (variables, then arguments).</summary>
    public static string? Choose(IDictionary variables, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(args);
        if (!string.IsNullOrEmpty(variables["ASPNETCORE_ENVIRONMENT"] as string)
            || !string.IsNullOrEmpty(variables["DOTNET_ENVIRONMENT"] as string)
            || args.Any(a => a.TrimStart('-', '/').Split('=')[0].Equals("environment", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        foreach (var name in StandardNames)
        {
            foreach (DictionaryEntry variable in variables)
            {
                if (string.Equals((string)variable.Key, name, StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(variable.Value as string))
                {
                    return name;
                }
            }
        }

        return variables[DefaultVariable] as string is { Length: > 0 } fallback ? fallback : null;
    }
}
