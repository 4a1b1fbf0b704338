using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using HubApp.Testing;
using Microsoft.Extensions.Logging;

namespace HubApp.Tests.Interop;

/// <summary>
/// The official <c>@microsoft/signalr</c> client, the one the browser page uses, against the real host over real
/// sockets: negotiate, then WebSockets with the token in the <c>access_token</c> query string, once with each hub
/// protocol the host offers (JSON, and MessagePack through <c>@microsoft/signalr-protocol-msgpack</c>, which the page
/// uses over WebSockets). The checks live in <c>tests/interop/chat-interop.mjs</c>; its packages come from
/// <c>npm ci --prefix tests/interop</c>, which the repository's test script runs before <c>dotnet test</c>.
/// </summary>
public sealed class JavaScriptClientTests
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(60);

    private static readonly string InteropDirectory = Path.Combine(RepositoryRoot.Path, "tests", "interop");

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task OfficialJavaScriptClientChatsThroughTheHub(string protocol)
    {
        Assert.True(
            Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "@microsoft", "signalr"))
                && Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "@microsoft", "signalr-protocol-msgpack")),
            $"The JavaScript client is not installed in {InteropDirectory}: run `npm ci --prefix tests/interop` from the repository root first.");
        var aliceToken = TestTokens.Create("alice", "Alice");
        var bobToken = TestTokens.Create("bob", "Bob");

        var host = await HubAppHost.StartAsync();
        ScriptRun run;
        try
        {
            run = await RunScriptAsync(host.BaseAddress.ToString(), aliceToken, bobToken, protocol);
        }
        finally
        {
            // The host's log is checked below rather than by DisposeAsync, so that a failing script is what the
            // test reports; errors logged during shutdown still count.
            host.ExpectErrors();
            await host.DisposeAsync();
        }

        Assert.True(run.ExitCode == 0, $"chat-interop.mjs exited with {run.ExitCode}.{run}");
        Assert.True(run.Succeeded(protocol), $"chat-interop.mjs did not print an {{\"ok\":true,\"protocol\":\"{protocol}\"}} summary.{run}");
        var unexpected = host.Logs.Lines.Where(l => l.Level >= LogLevel.Error).ToArray();
        Assert.True(unexpected.Length == 0, "The host logged errors:" + Environment.NewLine + string.Join(Environment.NewLine, unexpected));
        var leaks = host.Logs.Lines.Where(l => l.ToString().Contains(aliceToken, StringComparison.Ordinal) || l.ToString().Contains(bobToken, StringComparison.Ordinal)).ToArray();
        Assert.True(leaks.Length == 0, "The host logged a token:" + Environment.NewLine + string.Join(Environment.NewLine, leaks));
    }

    private static async Task<ScriptRun> RunScriptAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("chat-interop.mjs");
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"Could not start `node` (Node.js 20 or later must be on PATH): {e.Message}");
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var timedOut = false;
        using (var timeout = new CancellationTokenSource(ScriptTimeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().DefaultTimeout();
            }
        }

        // The pipes close when the process (and anything it started) has gone.
        var output = await stdout.DefaultTimeout();
        var errors = await stderr.DefaultTimeout();
        Assert.False(timedOut, $"chat-interop.mjs did not finish within {ScriptTimeout.TotalSeconds} s and was killed.{new ScriptRun(process.ExitCode, output, errors)}");
        return new ScriptRun(process.ExitCode, output, errors);
    }

    private sealed record ScriptRun(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>The last stdout line is the script's JSON summary, naming the protocol it spoke.</summary>
        public bool Succeeded(string protocol)
        {
            var last = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (last is null)
            {
                return false;
            }

            try
            {
                using var summary = JsonDocument.Parse(last);
                return summary.RootElement.ValueKind == JsonValueKind.Object
                    && summary.RootElement.TryGetProperty("ok", out var ok)
                    && ok.ValueKind == JsonValueKind.True
                    && summary.RootElement.TryGetProperty("protocol", out var spoken)
                    && spoken.ValueKind == JsonValueKind.String
                    && spoken.GetString() == protocol;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        public override string ToString() =>
            $"{Environment.NewLine}--- stdout ---{Environment.NewLine}{Stdout}{Environment.NewLine}--- stderr ---{Environment.NewLine}{Stderr}";
    }
}
