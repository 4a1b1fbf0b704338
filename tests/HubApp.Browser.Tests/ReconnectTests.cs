using System.Net;
using System.Net.Sockets;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

[Collection(UsesChromium.Name)]
public sealed class ReconnectTests(Chromium chromium)
{
    /// <summary>Automatic reconnect retries every 5 s at most, plus the restart itself.</summary>
    private const float ReconnectTimeoutMs = 40_000;

    [Fact]
    public async Task After_the_host_restarts_the_page_reconnects_and_shows_messages_sent_meanwhile_exactly_once()
    {
        // The restarted host must listen where the page connected before: one fixed port for both.
        var settings = new Dictionary<string, string?> { ["urls"] = $"http://127.0.0.1:{FreePort()}" };
        var first = await HubAppHost.StartAsync(settings);
        HubAppHost? second = null;
        var alice = await ChatPage.SignInAsync(chromium, first.BaseAddress, "alice");
        try
        {
            await alice.SendAsync("before the restart");
            await Expect(alice.Message("before the restart")).ToHaveCountAsync(1);

            await first.StopAsync();
            await Expect(alice.Status).ToHaveTextAsync("Reconnecting…");

            second = await HubAppHost.StartAsync(settings, first.DataDirectory);
            await using (var carol = await second.ConnectAsync("carol"))
            {
                await carol.JoinRoomAsync("general").DefaultTimeout();
                await carol.SendMessageAsync("general", "sent while you were away 1").DefaultTimeout();
                await carol.SendMessageAsync("general", "sent while you were away 2").DefaultTimeout();
            }

            await Expect(alice.Status).ToHaveTextAsync("Connected", new() { Timeout = ReconnectTimeoutMs });
            await Expect(alice.Message("sent while you were away 2")).ToHaveCountAsync(1);
            Assert.Equal(
                ["before the restart", "sent while you were away 1", "sent while you were away 2"],
                await alice.MessageTextsAsync());

            // And the reconnected page is live again.
            await alice.SendAsync("back again");
            await Expect(alice.Message("back again")).ToHaveCountAsync(1);
        }
        finally
        {
            await alice.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }

            // The first host's shutdown cut live connections: not an error of the app's.
            first.ExpectErrors();
            await first.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
