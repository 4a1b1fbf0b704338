using System.Diagnostics;
using HubApp.Testing;

namespace HubApp.Tests.Configuration;

/// <summary>A configuration that cannot work stops the real process with one line naming the key.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Auth__SigningKey", "too-short", "Auth:SigningKey")]
    [InlineData("Limits__MessagesPerSecond", "0", "Limits:MessagesPerSecond must be between")]
    [InlineData("Limits__MaxMessageLength", "-1", "Limits:MaxMessageLength must be between")]
    [InlineData("Limits__Burst", "0", "Limits:Burst must be between")]
    [InlineData("Limits__MaxRoomsPerUser", "0", "Limits:MaxRoomsPerUser must be between")]
    [InlineData("Limits__RoomsCreatedPerHour", "0", "Limits:RoomsCreatedPerHour must be between")]
    [InlineData("Limits__MaxRoomsOwned", "-1", "Limits:MaxRoomsOwned must be between")]
    [InlineData("Limits__MaxReactionKinds", "0", "Limits:MaxReactionKinds must be between")]
    [InlineData("Limits__UploadsPerMinute", "0", "Limits:UploadsPerMinute must be between")]
    [InlineData("Attachments__MaxBytes", "0", "Attachments:MaxBytes must be between")]
    [InlineData("Attachments__Provider", "s3", "Attachments:Provider must be 'filesystem' or 'postgres'")]
    [InlineData("Attachments__Provider", "postgres", "Attachments:Provider 'postgres' needs Storage:Provider 'postgres'")]
    [InlineData("History__JoinCount", "0", "History:JoinCount must be between")]
    [InlineData("Auth__MaxConnectionLifetime", "00:00:00", "Auth:MaxConnectionLifetime")]
    [InlineData("Storage__Provider", "postgres", "ConnectionStrings:Postgres")]
    [InlineData("Storage__Provider", "mongodb", "Storage:Provider")]
    [InlineData("Storage__SqliteSynchronous", "off", "Storage:SqliteSynchronous must be 'full' or 'normal'")]
    [InlineData("Webhooks__Timeout", "00:00:30", "Webhooks:Timeout")]
    [InlineData("Webhooks__RetryMaximum", "00:10:00", "Webhooks:RetryMinimum must be positive and at most Webhooks:RetryMaximum")]
    [InlineData("Webhooks__AllowedHosts__0", " ", "Webhooks:AllowedHosts")]
    [InlineData("Cors__AllowedOrigins__0", "not an origin", "Cors:AllowedOrigins")]
    [InlineData("Telemetry__OtlpEndpoint", "collector:4317 (not a URL)", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry__OtlpEndpoint", "ftp://collector", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry__OtlpProtocol", "udp", "Telemetry:OtlpProtocol")]
    [InlineData("Auth__AdminRole", " ", "Auth:AdminRole")]
    [InlineData("Limits__Burst", "abc", "Limits:Burst")]
    [InlineData("Metrics__Enabled", "maybe", "Metrics:Enabled")]
    [InlineData("History__MaxCatchUp", "99999999999", "History:MaxCatchUp")]
    [InlineData("Limits__EditWindow", "00:00:00", "Limits:EditWindow")]
    [InlineData("Push__Subject", "ftp://example.com", "Push:Subject")]
    [InlineData("Push__PublicKey", "BNotAKey", "Push:PublicKey and Push:PrivateKey must be set together")]
    [InlineData("Push__QueueCapacity", "0", "Push:QueueCapacity")]
    [InlineData("EventStream__KeepAliveInterval", "00:00:00", "EventStream:KeepAliveInterval")]
    [InlineData("EventStream__MaxStreamsPerUser", "0", "EventStream:MaxStreamsPerUser must be between")]
    public async Task ABrokenSettingStopsStartUpWithOneLineNamingTheKey(string variable, string value, string named)
    {
        var (exitCode, stdout, stderr) = await RunHostAsync(new() { [variable] = value, ["ASPNETCORE_ENVIRONMENT"] = "Development" });

        AssertOneLineFailure(exitCode, stdout, stderr, named);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AVapidKeyThatDoesNotParseOrDoesNotMatchStopsStartUpWithOneLine(bool parses)
    {
        var pair = HubApp.Push.VapidKeyCodec.Generate();
        var other = HubApp.Push.VapidKeyCodec.Generate();

        var (exitCode, stdout, stderr) = await RunHostAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Push__PublicKey"] = parses ? pair.PublicKey : "not-a-key",
            ["Push__PrivateKey"] = other.PrivateKey,
        });

        AssertOneLineFailure(exitCode, stdout, stderr, parses ? "Push:PrivateKey does not belong to Push:PublicKey." : "Push:PublicKey is not a base64url uncompressed P-256 point");
    }

    [Fact]
    public async Task APortInUseStopsStartUpWithOneLine()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        using var data = new TempData();

        var (exitCode, stdout, stderr) = await RunHostAsync(data.Settings(), $"http://127.0.0.1:{port}");

        AssertOneLineFailure(exitCode, stdout, stderr, $"127.0.0.1:{port}: address already in use");
    }

    [Fact]
    public async Task AnUnreachablePostgresStopsStartUpWithOneLineAndNoPassword()
    {
        var (exitCode, stdout, stderr) = await RunHostAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__Provider"] = "postgres",
            ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=hubapp;Password=secret-password;Database=hubapp;Timeout=5",
        });

        AssertOneLineFailure(exitCode, stdout, stderr, "PostgreSQL (ConnectionStrings:Postgres) cannot be reached");
        Assert.DoesNotContain("secret-password", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APostgresBackplaneChannelLongerThanItsChannelsAllowStopsStartUpWithOneLine()
    {
        var (exitCode, stdout, stderr) = await RunHostAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__Provider"] = "postgres",
            ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=hubapp;Database=hubapp;Timeout=5",
            ["Backplane__Provider"] = "postgres",
            ["Backplane__Channel"] = new string('c', 46),
        });

        AssertOneLineFailure(exitCode, stdout, stderr, "Backplane:Channel must be at most 45 bytes");
    }

    [Fact]
    public async Task AnUnreachableRedisStopsStartUpWithOneLine()
    {
        var (exitCode, stdout, stderr) = await RunHostAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__Provider"] = "postgres",
            ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=hubapp;Database=hubapp",
            ["Backplane__Provider"] = "redis",
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{ClosedPort()},connectTimeout=1000",
        });

        AssertOneLineFailure(exitCode, stdout, stderr, "(ConnectionStrings:Redis) did not answer");
    }

    [Fact]
    public async Task AnSqliteFileThatCannotBeCreatedStopsStartUpWithOneLine()
    {
        using var data = new TempData();
        // Root may write anywhere, so the parent is made a file rather than a read-only directory.
        var notADirectory = Path.Combine(data.Path, "a-file");
        await File.WriteAllTextAsync(notADirectory, "x");

        var (exitCode, stdout, stderr) = await RunHostAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(notADirectory, "hubapp.db")}",
        });

        AssertOneLineFailure(exitCode, stdout, stderr, "(ConnectionStrings:Sqlite) cannot be created or written");
    }

    [Fact]
    public async Task ASecondHostOnTheSameSqliteFileStopsWithOneLineAndTheFirstKeepsServing()
    {
        using var data = new TempData();
        await using var first = await HostProcess.StartSqliteAsync(data.Path);

        var (exitCode, stdout, stderr) = await RunHostAsync(data.Settings());

        AssertOneLineFailure(exitCode, stdout, stderr, "is in use by another HubApp host");
        Assert.Equal(System.Net.HttpStatusCode.OK, await first.HealthAsync());
    }

    [Fact]
    public async Task TheSqliteFileIsFreeAgainOnceItsHostIsKilled()
    {
        using var data = new TempData();
        var port = HostProcess.FreePort();
        await using (var first = await HostProcess.StartSqliteAsync(data.Path, port))
        {
            await first.KillAsync();
        }

        await using var second = await HostProcess.StartSqliteAsync(data.Path, port);

        Assert.Equal(System.Net.HttpStatusCode.OK, await second.HealthAsync());
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

    private static void AssertOneLineFailure(int exitCode, string stdout, string stderr, string expected)
    {
        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", stdout, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on (taken from the kernel, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunHostAsync(Dictionary<string, string> environment, string urls = "http://127.0.0.1:0")
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HubApp.dll"), "--urls", urls])
        {
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start.RunToExitAsync();
    }

    /// <summary>A temporary data directory, and the settings of a Development host on its SQLite file.</summary>
    private sealed class TempData : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hubapp-startup-");

        public string Path => _directory.FullName;

        public Dictionary<string, string> Settings() => new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Sqlite"] = $"Data Source={System.IO.Path.Combine(Path, "hubapp.db")}",
        };

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
