using HubApp.Storage;
using HubApp.Testing;
using Microsoft.Data.Sqlite;

namespace HubApp.Tests.Storage;

/// <summary>
/// A relative SQLite path is under the host's content root (the directory it is started in, or the repository root under
/// <c>dotnet run</c>), as the README says, and not wherever the process's current directory happens to be.
/// </summary>
public sealed class SqlitePathTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "content-root");

    [Theory]
    [InlineData("Data Source=data/hubapp.db", "data/hubapp.db")]
    [InlineData("Data Source=./data/../hubapp.db;Cache=Shared", "hubapp.db")]
    [InlineData("Data Source=hubapp.db", "hubapp.db")]
    public void ARelativeFileIsUnderTheContentRoot(string connectionString, string expected)
    {
        var resolved = new SqliteConnectionStringBuilder(SqlitePath.Resolve(connectionString, Root));

        Assert.Equal(Path.Combine(Root, expected), resolved.DataSource);
        Assert.Equal(new SqliteConnectionStringBuilder(connectionString).Cache, resolved.Cache);
    }

    [Theory]
    [InlineData("Data Source=/var/lib/hubapp/hubapp.db")]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=file:hubapp.db?mode=ro")]
    [InlineData("Data Source=shared;Mode=Memory")]
    [InlineData("Data Source=x.db;Nonsense=1")]
    [InlineData("")]
    public void AnAbsolutePathAMemoryDatabaseOrAStringThatDoesNotParseIsLeftAsItIs(string connectionString) =>
        Assert.Equal(connectionString, SqlitePath.Resolve(connectionString, Root));

    [Fact]
    public async Task AHostStartedInAnotherDirectoryKeepsItsRelativeFileThereAndFindsItAgain()
    {
        var started = Directory.CreateTempSubdirectory("hubapp-cwd-");
        var relative = Path.Combine("store", "hubapp.db");
        var settings = new Dictionary<string, string> { ["ConnectionStrings__Sqlite"] = $"Data Source={relative}" };
        try
        {
            await using (var host = await HostProcess.StartSqliteAsync(started.FullName, settings: settings, workingDirectory: started.FullName))
            {
                await using var alice = await host.ConnectAsync("alice");
                await alice.JoinRoomAsync("general").DefaultTimeout();
                await alice.SendMessageAsync("general", "kept where the host was started").DefaultTimeout();
            }

            Assert.True(File.Exists(Path.Combine(started.FullName, relative)), "the file should be under the directory the host was started in");
            Assert.False(File.Exists(Path.Combine(RepositoryRoot.Path, relative)), "not under the repository");
            Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, relative)), "nor under the test's own directory");
            await using var again = await HostProcess.StartSqliteAsync(started.FullName, settings: settings, workingDirectory: started.FullName);
            await using var bob = await again.ConnectAsync("bob");
            var snapshot = await bob.JoinRoomAsync("general").DefaultTimeout();
            Assert.Equal(["kept where the host was started"], snapshot.Messages.Select(m => m.Text));
        }
        finally
        {
            started.Delete(recursive: true);
        }
    }
}
