using System.Diagnostics;
using HubApp.Tests.Infrastructure;

namespace HubApp.Tests.Configuration;

/// <summary>A configuration that cannot work stops the real process with one line naming the key.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Auth__SigningKey", "too-short", "Auth:SigningKey")]
    [InlineData("Limits__MessagesPerSecond", "0", "MessagesPerSecond")]
    [InlineData("Limits__MaxMessageLength", "-1", "MaxMessageLength")]
    [InlineData("History__JoinCount", "0", "JoinCount")]
    [InlineData("Storage__Provider", "postgres", "ConnectionStrings:Postgres")]
    [InlineData("Storage__Provider", "mongodb", "Storage:Provider")]
    [InlineData("Cors__AllowedOrigins__0", "not an origin", "Cors:AllowedOrigins")]
    [InlineData("Telemetry__OtlpEndpoint", "collector:4317 (not a URL)", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry__OtlpEndpoint", "ftp://collector", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry__OtlpProtocol", "udp", "Telemetry:OtlpProtocol")]
    [InlineData("Auth__AdminRole", " ", "Auth:AdminRole")]
    [InlineData("Limits__Burst", "abc", "Limits:Burst")]
    [InlineData("Metrics__Enabled", "maybe", "Metrics:Enabled")]
    [InlineData("History__MaxCatchUp", "99999999999", "History:MaxCatchUp")]
    [InlineData("Limits__EditWindow", "00:00:00", "Limits:EditWindow")]
    public async Task ABrokenSettingStopsStartUpWithOneLineNamingTheKey(string variable, string value, string named)
    {
        var (exitCode, stdout, stderr) = await RunHostAsync(new() { [variable] = value, ["ASPNETCORE_ENVIRONMENT"] = "Development" });

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProductionRefusesToStartWithoutASigningKey()
    {
        var (exitCode, _, stderr) = await RunHostAsync(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Auth:SigningKey is required", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProductionRefusesThePublicDevelopmentKey()
    {
        var (exitCode, _, stderr) = await RunHostAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = "hubapp-development-signing-key-not-for-production-use",
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("public development key", stderr, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunHostAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HubApp.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start.RunToExitAsync();
    }
}
