using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Push;

/// <summary>Refuses a push configuration that cannot work: each failure one line naming its key.</summary>
internal sealed class PushOptionsValidator : IValidateOptions<PushOptions>
{
    public ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.Subject, UriKind.Absolute, out var subject) || subject.Scheme is not ("mailto" or "https"))
        {
            failures.Add("Push:Subject must be a mailto: or https: URL.");
        }

        if (options.EndpointHosts.Any(host => string.IsNullOrWhiteSpace(host) || host.Contains('/', StringComparison.Ordinal) || host == "*."))
        {
            failures.Add("Push:AllowedEndpointHosts must hold host names (\"*.\" and a domain for its subdomains).");
        }

        if (options.QueueCapacity is < 1 or > 1_000_000)
        {
            failures.Add("Push:QueueCapacity must be between 1 and 1000000.");
        }

        if (options.MaxConcurrentSends is < 1 or > 256)
        {
            failures.Add("Push:MaxConcurrentSends must be between 1 and 256.");
        }

        if (options.SendTimeout <= TimeSpan.Zero || options.SendTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Push:SendTimeout must be positive and at most one minute.");
        }

        var hasPublic = !string.IsNullOrEmpty(options.PublicKey);
        if (hasPublic != !string.IsNullOrEmpty(options.PrivateKey))
        {
            failures.Add("Push:PublicKey and Push:PrivateKey must be set together.");
        }
        else if (hasPublic && VapidKeyCodec.Check(new VapidKeyPair(options.PublicKey!, options.PrivateKey!)) is { } failure)
        {
            failures.Add(failure);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
