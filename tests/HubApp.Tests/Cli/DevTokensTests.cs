using HubApp.Cli;

namespace HubApp.Tests.Cli;

public sealed class DevTokensTests
{
    [Theory]
    [InlineData("alice", null)]
    [InlineData("a.b-c_1", null)]
    [InlineData("", "1–32 characters")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", "has 33")]
    [InlineData("bad name", "has ' '")]
    [InlineData("émile", "has 'é'")]
    public void ABadUserNameIsExplainedInOneLine(string name, string? expected)
    {
        var problem = DevTokens.Problem(name);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(expected, problem, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', problem!);
            Assert.StartsWith("--user ", problem, StringComparison.Ordinal);
        }
    }
}
