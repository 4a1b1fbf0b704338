using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.Extensions.Logging;

namespace HubApp.Tests.Hardening;

/// <summary>
/// A client that opts into stateful reconnect and never acknowledges what it receives: the server's buffer for it
/// fills and its writes wait. That is the client's misbehaviour, so it never shows as an Error in the server's log.
/// </summary>
public sealed class StatefulReconnectMisbehaviourTests
{
    [Fact]
    public async Task AClientThatNeverAcknowledgesLeavesNoErrorInTheLog()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["History:MaxMessagesPerRoom"] = "100000" });
        await using var sender = await host.ConnectAsync("sender");
        var left = new Inbox<PresenceEvent>();
        sender.UserLeft += left.Add;
        await sender.JoinRoomAsync("acks").DefaultTimeout();
        await using var quiet = await RawHubSocket.ConnectStatefulAsync(host, "quiet");
        Assert.Contains("\"type\":3", await quiet.InvokeAsync("1", HubMethods.JoinRoom, """["acks",null]"""), StringComparison.Ordinal);
        // It reads everything it is sent, and acknowledges none of it.
        var reading = quiet.ReadUntilClosedAsync();

        // Twice the server's buffer for unacknowledged bytes (ChatHubExtensions.StatefulReconnectBufferBytes).
        var text = new string('x', 3000);
        for (var i = 0; i < 700; i++)
        {
            await sender.SendMessageAsync("acks", text).DefaultTimeout();
        }

        // Then its network drops; the server gives up on it in the end (it never reconnects).
        quiet.Abort();
        await left.NextAsync(p => p.UserId == "quiet", TestTimeouts.Slow);
        await Task.WhenAny(reading, Task.Delay(TestTimeouts.Default));

        var errors = host.Logs.Lines.Where(l => l.Level >= LogLevel.Error).ToArray();
        Assert.True(errors.Length == 0, "errors logged:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }
}
