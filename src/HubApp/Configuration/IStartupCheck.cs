namespace HubApp.Configuration;

/// <summary>
/// A resource the node cannot work without, checked before it starts (<see cref="ConfigurationExtensions.ValidateConfiguration"/>):
/// a failure ends start-up with its one line and exit code 1.
/// </summary>
public interface IStartupCheck
{
    /// <summary>Null when the resource answers; otherwise the line to print, naming the configuration key.</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);
}
