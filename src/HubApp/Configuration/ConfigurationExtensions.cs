using Microsoft.Extensions.Options;

namespace HubApp.Configuration;

public static class ConfigurationExtensions
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
            var failures = ex is AggregateException aggregate
                ? aggregate.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures)
                : ((OptionsValidationException)ex).Failures;
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
}
