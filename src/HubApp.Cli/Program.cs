using System.CommandLine;
using HubApp.Cli.Chat;

namespace HubApp.Cli;

// A named entry point rather than top-level statements: the test project sees both this assembly and the
// host's, and two global `Program` types would collide there.
internal static class CliProgram
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("HubApp's command-line tool: a terminal chat, built on HubApp.Client.")
        {
            ChatCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}
