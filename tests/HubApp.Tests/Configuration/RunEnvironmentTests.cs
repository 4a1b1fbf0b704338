using System.Collections;
using System.Diagnostics;
using HubApp.Configuration;
using HubApp.Testing;

namespace HubApp.Tests.Configuration;

/// <summary>
/// The obvious ways of asking for Production do run in Production, through <c>dotnet run</c> and its launch profile too
/// (which once made all of them run in Development, with dev tokens and the public key).
/// </summary>
public sealed class RunEnvironmentTests
{
    // --no-build: the test run has built the host; building again here would race the other tests' builds.
    private static readonly string[] DotnetRun = ["run", "--no-build", "--project", "src/HubApp"];

    [Theory]
    [InlineData("dotnet run with nothing chosen runs in the profile's Development", null, null, "", "Development")]
    [InlineData("ASPNETCORE_ENVIRONMENT is left to the host", "Production", null, "", null)]
    [InlineData("DOTNET_ENVIRONMENT is left to the host", null, "Staging", "", null)]
    [InlineData("an --environment argument is left to the host", null, null, "--environment Production", null)]
    [InlineData("an --environment=X argument is left to the host", null, null, "--environment=Production", null)]
    [InlineData("dotnet run --environment Production (the SDK's empty variable)", null, null, "", "Production", "Production")]
    [InlineData("the SDK's empty variable in any case", null, null, "", "Staging", "staging")]
    public void TheEnvironmentIsTheOneAskedFor(string why, string? aspnetcore, string? dotnet, string args, string? expected, string? emptyVariable = null)
    {
        var variables = new Hashtable { [RunEnvironment.DefaultVariable] = "Development" };
        if (aspnetcore is not null)
        {
            variables["ASPNETCORE_ENVIRONMENT"] = aspnetcore;
        }

        if (dotnet is not null)
        {
            variables["DOTNET_ENVIRONMENT"] = dotnet;
        }

        if (emptyVariable is not null)
        {
            variables[emptyVariable] = string.Empty;
        }

        Assert.True(expected == RunEnvironment.Choose(variables, args.Split(' ', StringSplitOptions.RemoveEmptyEntries)), why);
    }

    [Fact]
    public void AHostStartedWithoutAnyChoiceIsLeftToItsProductionDefault() =>
        Assert.Null(RunEnvironment.Choose(new Hashtable { ["PATH"] = "/usr/bin" }, []));

    [Theory]
    [InlineData("--environment Production", null)]
    [InlineData("", "Production")]
    [InlineData("-- --environment Production", null)]
    public async Task DotnetRunAskedForProductionRunsInProduction(string runArgs, string? aspnetcoreEnvironment)
    {
        // Production without a signing key of its own refuses to start: proof of the environment, with nothing to stop.
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var arg in DotnetRun.Concat(runArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        if (aspnetcoreEnvironment is not null)
        {
            start.Environment["ASPNETCORE_ENVIRONMENT"] = aspnetcoreEnvironment;
        }

        var (exitCode, stdout, stderr) = await start.RunToExitAsync();
        Assert.True(exitCode != 0, $"started (exit {exitCode}): {stdout}");
        Assert.Contains("Auth:SigningKey is required", stderr, StringComparison.Ordinal);
    }
}
