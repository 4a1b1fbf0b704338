using Microsoft.Extensions.Options;

namespace HubApp.Configuration;

public static partial class ConfigurationExtensions
{
    // Where the options binder's conversion failures come from.
    private const string BinderAssembly = "Microsoft.Extensions.Configuration.Binder";

    /// <summary>
    /// Runs every start-up options validation now, before the host starts, then the <see cref="IStartupCheck"/>s, so
    /// that a configuration (or a resource) that cannot work ends the process with one line naming the key instead of
    /// a stack trace.
    /// </summary>
    public static bool ValidateConfiguration(this WebApplication app, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException)
        {
            var failures = (ex is AggregateException aggregate ? aggregate.InnerExceptions.OfType<OptionsValidationException>() : [(OptionsValidationException)ex])
                .SelectMany(e => e.Failures.Select(failure => NameTheKey(e.OptionsType, failure)));
            (error ?? Console.Error).WriteLine($"HubApp cannot start, invalid configuration: {string.Join(" ", failures)}");
            return false;
        }
        catch (InvalidOperationException ex) when (ex.Source == BinderAssembly)
        {
            // A value of the wrong type ("Limits:Burst" = "abc"): the binder's message names the key as configured.
            (error ?? Console.Error).WriteLine($"HubApp cannot start, invalid configuration: {ex.Message}");
            return false;
        }

        foreach (var check in app.Services.GetServices<IStartupCheck>())
        {
            if (check.CheckAsync(CancellationToken.None).GetAwaiter().GetResult() is { } failure)
            {
                (error ?? Console.Error).WriteLine($"HubApp cannot start: {failure}");
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Rewrites a data-annotation failure ("DataAnnotation validation failed for 'LimitsOptions' members: 'Burst' with
    /// the error: 'The field Burst must be between 1 and 1000000.'") to name the key as configured ("Limits:Burst must be
    /// between 1 and 1000000."), from the options class's <c>SectionName</c>. Failures written by hand already do.
    /// </summary>
    internal static string NameTheKey(Type optionsType, string failure)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success || optionsType.GetField("SectionName")?.GetValue(null) is not string section)
        {
            return failure;
        }

        var member = match.Groups["member"].Value;
        var key = $"{section}:{member.Replace('.', ':')}";
        var error = match.Groups["error"].Value;
        var field = $"The field {member.Split('.')[^1]} ";
        return error.StartsWith(field, StringComparison.Ordinal) ? $"{key} {error[field.Length..]}" : $"{key}: {error}";
    }

    [System.Text.RegularExpressions.GeneratedRegex("^DataAnnotation validation failed for '[^']+' members: '(?<member>[^']+)' with the error: '(?<error>.*)'\\.$")]
    private static partial System.Text.RegularExpressions.Regex DataAnnotationFailure();
}
