using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Contracts;

/// <summary>
/// The example frames of docs/protocol.md are what the real host sends and takes: a scripted session over a raw
/// WebSocket (JSON protocol) is captured and each frame must appear in the document as it is, times and connection ids
/// aside.
/// </summary>
public sealed partial class ProtocolExampleTests
{
    private const char Separator = RawHubSocket.Separator;

    [Fact]
    public async Task TheDocumentsExampleFramesAreTheOnesTheHostExchanges()
    {
        await using var host = await HubAppHost.StartAsync();
        var frames = new List<string>();
        using (var http = host.CreateHttpClient())
        {
            using var negotiate = new HttpRequestMessage(HttpMethod.Post, HubMethods.Path + "/negotiate?negotiateVersion=1&useStatefulReconnect=true");
            negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("alice"));
            using var answer = await http.SendAsync(negotiate);
            frames.Add(await answer.Content.ReadAsStringAsync());
        }

        await using var alice = await RawHubSocket.ConnectAsync(host, "alice", userName: "Alice");
        frames.Add("""{"protocol":"json","version":1}""");
        frames.Add("{}");
        frames.Add(await Invoke(alice, frames, """{"type":1,"invocationId":"1","target":"JoinRoom","arguments":["general",null]}"""));

        await using var bob = await RawHubSocket.ConnectAsync(host, "bob", userName: "Bob");
        await bob.InvokeAsync("1", "JoinRoom", """["general",null]""");
        frames.Add((await alice.ReceiveRecordAsync(r => r.Contains("\"target\":\"UserJoined\"", StringComparison.Ordinal)))!);

        const string send = """{"type":1,"invocationId":"2","target":"PostMessage","arguments":["general","hello 👋","c-7f3a"]}""";
        frames.Add(send);
        await alice.SendTextAsync(send + Separator);
        for (var i = 0; i < 2; i++)
        {
            // The completion and the event, in either order.
            frames.Add((await alice.ReceiveRecordAsync(r => r.Contains("\"invocationId\":\"2\"", StringComparison.Ordinal) || r.Contains("MessageReceived", StringComparison.Ordinal)))!);
        }

        frames.Add(await Invoke(alice, frames, """{"type":1,"invocationId":"3","target":"SendMessage","arguments":["random","hi"]}"""));
        frames.Add(await Invoke(alice, frames, """{"type":1,"invocationId":"4","target":"Ping","arguments":[]}"""));

        var document = Normalise(ProtocolDocument.Load().Text);
        Assert.All(frames, frame => Assert.True(document.Contains(Normalise(frame), StringComparison.Ordinal), $"docs/protocol.md should show the frame{Environment.NewLine}{frame}"));
    }

    private static async Task<string> Invoke(RawHubSocket socket, List<string> frames, string invocation)
    {
        frames.Add(invocation);
        var id = Regex.Match(invocation, "\"invocationId\":\"([^\"]+)\"").Groups[1].Value;
        await socket.SendTextAsync(invocation + Separator);
        return (await socket.ReceiveRecordAsync(r => r.Contains($"\"invocationId\":\"{id}\"", StringComparison.Ordinal) && r.Contains("\"type\":3", StringComparison.Ordinal)))!;
    }

    // Times and the negotiate answer's random ids differ from run to run; everything else is as sent.
    private static string Normalise(string text) =>
        ConnectionIds().Replace(Times().Replace(text, "\"<time>\""), "\"$1\":\"<id>\"");

    [GeneratedRegex("\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z\"")]
    private static partial Regex Times();

    [GeneratedRegex("\"(connectionId|connectionToken)\":\"[^\"]+\"")]
    private static partial Regex ConnectionIds();
}
