using System.CommandLine;
using HubApp.Cli.Bench;
using HubApp.Cli.Chat;

var root = new RootCommand("HubApp's command-line tool: a terminal chat and a load generator, built on HubApp.Client.")
{
    ChatCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
