using System.Collections.Concurrent;
using System.Text;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Which transport and hub protocol the page speaks, seen from the browser's side of the wire.</summary>
[Collection(UsesChromium.Name)]
public sealed class ProtocolTests(Chromium chromium)
{
    private const string Text = "héllo 👋 <b>";

    [Fact]
    public async Task The_page_speaks_MessagePack_over_WebSockets()
    {
        await using var host = await HubAppHost.StartAsync();
        var sent = new ConcurrentQueue<IWebSocketFrame>();
        var received = new ConcurrentQueue<IWebSocketFrame>();
        var sockets = new ConcurrentQueue<string>();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", beforeSignIn: page =>
        {
            page.WebSocket += (_, socket) =>
            {
                sockets.Enqueue(socket.Url);
                socket.FrameSent += (_, frame) => sent.Enqueue(frame);
                socket.FrameReceived += (_, frame) => received.Enqueue(frame);
            };
            return Task.CompletedTask;
        });

        await alice.SendAsync(Text);
        await Expect(alice.Message(Text)).ToHaveCountAsync(1);
        // The page shows a line as soon as it is sent (its outbox); the server's MessageReceived frame may come a moment later.
        var utf8 = Encoding.UTF8.GetBytes(Text);
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10); !received.Any(frame => Holds(frame, utf8)) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(20);
        }

        Assert.Contains(sockets, url => new Uri(url).AbsolutePath == HubMethods.Path);
        // The handshake is text, everything after it MessagePack: binary frames, text as raw UTF-8 inside them.
        Assert.Equal("{\"protocol\":\"messagepack\",\"version\":2}\u001e", sent.First().Text);
        Assert.All(sent.Skip(1), frame => Assert.NotNull(frame.Binary));
        Assert.All(received.Skip(1), frame => Assert.NotNull(frame.Binary));
        Assert.Contains(sent, frame => Holds(frame, utf8));
        Assert.Contains(received, frame => Holds(frame, utf8));
    }

    private static bool Holds(IWebSocketFrame frame, byte[] utf8) => frame.Binary is { } bytes && bytes.AsSpan().IndexOf(utf8) >= 0;

    [Fact]
    public async Task Without_WebSockets_the_page_speaks_JSON_over_Server_Sent_Events_and_chats_with_a_MessagePack_page()
    {
        await using var host = await HubAppHost.StartAsync();
        var handshakes = new ConcurrentQueue<string>();
        var eventStreams = new ConcurrentQueue<string>();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", beforeSignIn: async page =>
        {
            // As behind a proxy that refuses WebSocket upgrades.
            await page.RouteWebSocketAsync($"**{HubMethods.Path}**", socket => socket.CloseAsync());
            page.Request += (_, request) =>
            {
                if (request.ResourceType == "eventsource")
                {
                    eventStreams.Enqueue(request.Url);
                }
                else if (request.Method == "POST" && request.PostData is { } body && body.StartsWith("{\"protocol\"", StringComparison.Ordinal))
                {
                    handshakes.Enqueue(body);
                }
            };
        });
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");

        await alice.SendAsync(Text);
        await Expect(bob.Message(Text)).ToHaveCountAsync(1);
        await bob.SendAsync("👍 back");
        await Expect(alice.Message("👍 back")).ToHaveCountAsync(1);

        Assert.Contains(eventStreams, url => new Uri(url).AbsolutePath == HubMethods.Path);
        Assert.Equal(["{\"protocol\":\"json\",\"version\":1}\u001e"], handshakes);
    }
}
