using System.Text;
using Microsoft.Extensions.Options;

namespace HubApp.Auth;

/// <summary>Refuses a token configuration that cannot work or is unsafe where it runs.</summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    /// <summary>The key committed in appsettings.json: fine on a laptop, never in production.</summary>
    public const string PublicDevelopmentKey = "hubapp-development-signing-key-not-for-production-use";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Auth:Issuer must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Auth:Audience must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.AdminRole))
        {
            failures.Add("Auth:AdminRole must not be empty.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add("Auth:ClockSkew must be between 00:00:00 and 00:05:00.");
        }

        if (options.MaxConnectionLifetime <= TimeSpan.Zero)
        {
            failures.Add("Auth:MaxConnectionLifetime must be positive.");
        }

        if (options.DevTokens.Lifetime <= TimeSpan.Zero || options.DevTokens.Lifetime > TimeSpan.FromDays(1))
        {
            failures.Add("Auth:DevTokens:Lifetime must be positive and at most one day.");
        }

        if (options.Authority is { Length: > 0 } authority && !Uri.TryCreate(authority, UriKind.Absolute, out _))
        {
            failures.Add("Auth:Authority must be an absolute URL.");
        }

        ValidateSigningKey(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateSigningKey(AuthOptions options, List<string> failures)
    {
        var keyNeeded = string.IsNullOrEmpty(options.Authority) || options.DevTokens.Enabled;
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            // Development without a key gets an ephemeral one (see SigningKeyProvider); elsewhere it is an error.
            if (keyNeeded && !environment.IsDevelopment())
            {
                failures.Add($"Auth:SigningKey is required (at least {AuthOptions.MinSigningKeyBytes} bytes) when Auth:Authority is unset.");
            }

            return;
        }

        if (Encoding.UTF8.GetByteCount(options.SigningKey) < AuthOptions.MinSigningKeyBytes)
        {
            failures.Add($"Auth:SigningKey must be at least {AuthOptions.MinSigningKeyBytes} bytes.");
        }
        else if (options.SigningKey == PublicDevelopmentKey && !environment.IsDevelopment())
        {
            failures.Add($"Auth:SigningKey is the public development key; set a secret key for the {environment.EnvironmentName} environment.");
        }
    }
}
