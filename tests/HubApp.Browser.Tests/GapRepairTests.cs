using System.Text;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Contracts;
using HubApp.Testing;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>A room's ids are consecutive, so the page notices a message that never reached it and fetches it.</summary>
[Collection(UsesChromium.Name)]
public sealed class GapRepairTests(Chromium chromium)
{
    [Fact]
    public async Task A_message_dropped_on_the_way_to_the_page_is_fetched_when_the_next_one_skips_its_id()
    {
        await using var host = await HubAppHost.StartAsync();
        const string Dropped = "dropped on the way";
        var dropped = 0;
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", beforeSignIn: page =>
            // Between the page and the host, as a faulty proxy or a backplane outage would: the first frame that
            // carries the message's text never reaches the page; everything else is forwarded as it came.
            page.RouteWebSocketAsync($"**{HubMethods.Path}**", socket =>
            {
                var server = socket.ConnectToServer();
                var marker = Encoding.UTF8.GetBytes(Dropped);
                server.OnMessage(frame =>
                {
                    var bytes = frame.Binary ?? Encoding.UTF8.GetBytes(frame.Text ?? string.Empty);
                    if (bytes.AsSpan().IndexOf(marker) >= 0 && Interlocked.Increment(ref dropped) == 1)
                    {
                        return;
                    }

                    if (frame.Binary is { } binary)
                    {
                        socket.Send(binary);
                    }
                    else
                    {
                        socket.Send(frame.Text ?? string.Empty);
                    }
                });
            }));
        await using var bob = await host.ConnectAsync("bob");
        await bob.JoinRoomAsync("general").DefaultTimeout();
        await Expect(alice.Members).ToHaveCountAsync(2);

        await bob.PostMessageAsync("general", "before", "gap-1").DefaultTimeout();
        await Expect(alice.Message("before")).ToHaveCountAsync(1);
        await bob.PostMessageAsync("general", Dropped, "gap-2").DefaultTimeout();
        await bob.PostMessageAsync("general", "after the gap", "gap-3").DefaultTimeout();

        await Expect(alice.Message("after the gap")).ToHaveCountAsync(1);
        await Expect(alice.Message(Dropped)).ToHaveCountAsync(1);
        // The live event was really dropped: the copy shown came from the catch-up (which carries the text again).
        Assert.True(Volatile.Read(ref dropped) >= 2, $"frames with the text: {Volatile.Read(ref dropped)}");
        Assert.Equal(["before", Dropped, "after the gap"], await alice.MessageTextsAsync());
    }
}
