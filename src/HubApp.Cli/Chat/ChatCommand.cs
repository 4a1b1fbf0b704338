using System.CommandLine;
using HubApp.Client;

namespace HubApp.Cli.Chat;

/// <summary><c>hubapp chat</c>: an interactive terminal chat.</summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var server = CommonOptions.Server();
        var user = new Option<string?>("--user") { Description = "Sign in with this name through the host's development token issuer." };
        var token = new Option<string?>("--token") { Description = "Sign in with this bearer token instead (it is not refreshed)." };
        var rooms = new Option<string[]>("--room") { Description = "Rooms to join at start (repeatable).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("chat", "Chat in the terminal: type a line to send it, /help for commands.") { server, user, token, rooms };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(user);
            var given = parse.GetValue(token);
            if (string.IsNullOrEmpty(name) == string.IsNullOrEmpty(given))
            {
                await Console.Error.WriteLineAsync("Give either --user NAME (development tokens) or --token TOKEN.");
                return 2;
            }

            if (name is not null && DevTokens.Problem(name) is { } problem)
            {
                await Console.Error.WriteLineAsync(problem);
                return 1;
            }

            var url = parse.GetValue(server)!;
            using var tokens = new TokenSource(url, name, given);
            await using var client = new ChatClient(new ChatClientOptions { ServerUrl = url, AccessTokenProvider = tokens.GetAsync, BatchedPresence = true });
            // Key by key with a line editor on a terminal; line by line when piped (scripts, tests).
            IChatTerminal terminal = Console.IsInputRedirected || Console.IsOutputRedirected ? new PlainTerminal(Console.In, Console.Out) : new ConsoleTerminal();
            var session = new ChatSession(client, terminal);
            return await session.RunAsync(parse.GetValue(rooms) ?? [], cancellationToken);
        });
        return command;
    }
}
