using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>
/// The page's outbox (client/src/outbox.ts): what is typed is kept until the server stored it, across a killed host,
/// a reload and the rate limit, and is shown once.
/// </summary>
[Collection(UsesChromium.Name)]
public sealed class OutboxTests(Chromium chromium)
{
    /// <summary>Automatic reconnect retries every 5 s at most, plus the restart itself.</summary>
    private const float ReconnectTimeoutMs = 40_000;

    /// <summary>The host as a process of its own (so that it can be SIGKILLed), with dev tokens for the sign-in page.</summary>
    private static readonly Dictionary<string, string> ProcessSettings = new() { ["Auth__DevTokens__Enabled"] = "true" };

    [Fact]
    public async Task Messages_sent_while_the_host_is_killed_arrive_once_each_in_order_after_it_restarts_and_the_box_keeps_what_was_being_typed()
    {
        var data = Directory.CreateTempSubdirectory("hubapp-outbox-");
        var port = HostProcess.FreePort();
        HostProcess? host = await HostProcess.StartSqliteAsync(data.FullName, port, settings: ProcessSettings);
        try
        {
            await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
            await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
            await alice.SendAsync("before the crash");
            await Expect(bob.Message("before the crash")).ToHaveCountAsync(1);
            // Bob may see the message before Alice's page has its acknowledgement: a kill in between leaves it pending too.
            await Expect(alice.Pending).ToHaveCountAsync(0);

            await host.KillAsync();
            await Expect(alice.Status).ToHaveTextAsync("Reconnecting…");
            string[] offline = ["offline 1", "offline 2", "offline 3", "offline 4", "offline 5"];
            foreach (var text in offline)
            {
                // Enter while reconnecting queues the message: the box empties, the line shows "sending…".
                await alice.SendAsync(text);
            }

            await Expect(alice.Pending).ToHaveCountAsync(5);
            await Expect(alice.Page.Locator("#message-list > li.pending .delivery")).ToHaveTextAsync(Enumerable.Repeat("sending…", 5).ToArray());
            await alice.Composer.PressSequentiallyAsync("half-typ");

            await host.DisposeAsync();
            host = await HostProcess.StartSqliteAsync(data.FullName, port, settings: ProcessSettings);
            await Expect(alice.Status).ToHaveTextAsync("Connected", new() { Timeout = ReconnectTimeoutMs });
            await Expect(bob.Status).ToHaveTextAsync("Connected", new() { Timeout = ReconnectTimeoutMs });
            await Expect(alice.Pending).ToHaveCountAsync(0, new() { Timeout = ReconnectTimeoutMs });
            await Expect(bob.Message("offline 5")).ToHaveCountAsync(1, new() { Timeout = ReconnectTimeoutMs });

            string[] expected = ["before the crash", .. offline];
            Assert.Equal(expected, await alice.MessageTextsAsync());
            Assert.Equal(expected, await bob.MessageTextsAsync());
            await Expect(alice.Composer).ToHaveValueAsync("half-typ");
            await alice.Composer.PressSequentiallyAsync("ed");
            await alice.Composer.PressAsync("Enter");
            await Expect(bob.Message("half-typed")).ToHaveCountAsync(1);

            // And the store holds each once: a page that joins now sees the same.
            await using var carol = await ChatPage.SignInAsync(chromium, host.BaseAddress, "carol");
            await Expect(carol.Message("half-typed")).ToHaveCountAsync(1);
            Assert.Equal([.. expected, "half-typed"], await carol.MessageTextsAsync());
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Thirty_enters_within_a_second_are_all_delivered_in_order_under_the_default_rate_limit()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            // The contract's defaults (the test hosts' are out of the way).
            ["Limits:MessagesPerSecond"] = "10",
            ["Limits:Burst"] = "20",
        });
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        var texts = Enumerable.Range(1, 30).Select(i => $"quick {i}").ToArray();
        // Typed and sent from inside the page: Playwright's own round trips would spread 30 Enters over seconds.
        var typingMs = await alice.Page.EvaluateAsync<double>(
            """
            texts => {
              const box = document.getElementById("message-input");
              const started = performance.now();
              for (const text of texts) {
                box.value = text;
                box.dispatchEvent(new Event("input", { bubbles: true }));
                box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
              }
              return performance.now() - started;
            }
            """,
            texts);
        await Expect(bob.Message("quick 30")).ToHaveCountAsync(1);
        await Expect(alice.Pending).ToHaveCountAsync(0);
        Assert.Equal(texts, await bob.MessageTextsAsync());
        Assert.Equal(texts, await alice.MessageTextsAsync());
        await Expect(alice.Toasts).Not.ToContainTextAsync("too fast");
        await Expect(alice.Composer).ToHaveValueAsync(string.Empty);
        // Paced under the limit, not refused and retried: one PostMessage per message.
        Assert.Equal(30, host.Recorder.Invocations.Count(i => i.Method == "PostMessage"));
        Assert.True(typingMs < 1000, $"30 Enters took {typingMs} ms: not within a second.");
    }

    [Fact]
    public async Task A_message_pending_while_the_host_is_down_survives_a_reload_and_is_delivered_once_after_the_restart()
    {
        var data = Directory.CreateTempSubdirectory("hubapp-outbox-");
        var port = HostProcess.FreePort();
        HostProcess? host = await HostProcess.StartSqliteAsync(data.FullName, port, settings: ProcessSettings);
        try
        {
            await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
            await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
            await alice.SendAsync("first");
            await Expect(bob.Message("first")).ToHaveCountAsync(1);
            // As above: acknowledged before the kill, so that only the message sent while down is pending.
            await Expect(alice.Pending).ToHaveCountAsync(0);

            await host.KillAsync();
            await Expect(alice.Status).ToHaveTextAsync("Reconnecting…");
            await alice.SendAsync("kept across the reload");
            await Expect(alice.Pending).ToHaveCountAsync(1);

            // The page goes (the host cannot serve it now): only what was saved can bring the message back.
            await Assert.ThrowsAnyAsync<PlaywrightException>(() => alice.Page.ReloadAsync());
            // Off Chromium's error page once it is shown: it reloads by itself when the network answers, which would race the navigation below.
            await alice.Page.WaitForURLAsync(url => url.StartsWith("chrome-error:", StringComparison.Ordinal));
            await alice.Page.GotoAsync("about:blank");

            await host.DisposeAsync();
            host = await HostProcess.StartSqliteAsync(data.FullName, port, settings: ProcessSettings);
            await alice.Page.GotoAsync("/");
            // The tab is still signed in (sessionStorage); the outbox comes back from localStorage.
            await Expect(alice.Status).ToHaveTextAsync("Connected");
            await Expect(alice.Message("kept across the reload")).ToHaveCountAsync(1);
            await Expect(alice.Pending).ToHaveCountAsync(0);
            await Expect(bob.Message("kept across the reload")).ToHaveCountAsync(1, new() { Timeout = ReconnectTimeoutMs });
            Assert.Equal(["first", "kept across the reload"], await bob.MessageTextsAsync());
            Assert.Equal(["first", "kept across the reload"], await alice.MessageTextsAsync());
            // Delivered, so no longer kept.
            Assert.Equal(0, await alice.Page.EvaluateAsync<int>("() => Object.keys(localStorage).filter(k => k.startsWith('hubapp.outbox:')).length"));
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_refusal_that_retrying_cannot_fix_shows_not_sent_with_retry_and_discard()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:MaxMessageLength"] = "10" });
        // The page believes it may send longer messages than the server takes.
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", beforeSignIn: page =>
            page.RouteAsync("**/app-config.json", route => route.FulfillAsync(new() { ContentType = "application/json", Body = "{\"maxMessageLength\":4000}" })));
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.SendAsync("far too long for this server");
        var failed = alice.Page.Locator("#message-list > li.failed");
        await Expect(failed).ToHaveCountAsync(1);
        await Expect(failed.Locator(".delivery")).ToHaveTextAsync("not sent — retry / discard");
        await Expect(alice.Toasts).ToContainTextAsync("too long");
        await alice.SendAsync("short");
        await Expect(bob.Message("short")).ToHaveCountAsync(1);

        // Retry sends it again (and it is refused again); discard drops it.
        await failed.GetByRole(AriaRole.Button, new() { Name = "Retry sending" }).ClickAsync();
        await Expect(alice.Page.Locator("#message-list > li.failed")).ToHaveCountAsync(1);
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Discard message" }).ClickAsync();
        await Expect(alice.Pending).ToHaveCountAsync(0);
        Assert.Equal(["short"], await alice.MessageTextsAsync());
        Assert.Equal(["short"], await bob.MessageTextsAsync());
    }
}
