using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>The message list reads like a chat: grouped authors, day separators, links, mentions.</summary>
[Collection(UsesChromium.Name)]
public sealed class TimelineTests(Chromium chromium)
{
    [Fact]
    public async Task Consecutive_messages_of_one_author_show_one_header_under_one_day_separator()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        var headers = bob.Page.Locator("#message-list .message-meta:visible");

        await alice.SendAsync("first");
        await alice.SendAsync("second");
        await Expect(bob.Messages).ToHaveCountAsync(2);
        await Expect(headers).ToHaveCountAsync(1);
        await Expect(headers.Locator(".author")).ToHaveTextAsync("alice");
        await Expect(bob.Page.Locator("#message-list > li.continued")).ToHaveCountAsync(1);

        await bob.SendAsync("third");
        await Expect(bob.Messages).ToHaveCountAsync(3);
        await Expect(headers.Locator(".author")).ToHaveTextAsync(["alice", "You"]);
        // Still one li per message: the separator is inside the first.
        await Expect(bob.Page.Locator("#message-list .day-separator")).ToHaveTextAsync(["Today"]);
        await Expect(bob.Page.Locator("#message-list > li").First.Locator(".day-separator")).ToHaveCountAsync(1);

        // A reload renders the same page from the join snapshot.
        await bob.Page.ReloadAsync();
        await Expect(bob.Messages).ToHaveCountAsync(3);
        await Expect(headers.Locator(".author")).ToHaveTextAsync(["alice", "You"]);
        await Expect(bob.Page.Locator("#message-list .day-separator")).ToHaveTextAsync(["Today"]);
    }

    [Fact]
    public async Task The_day_separator_spans_the_message_list_on_a_desktop_and_on_a_phone()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Desktop);
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob", ChatPage.Phone);

        // The first line is alice's own (on the right) on her page and someone else's (on the left) on bob's.
        await alice.SendAsync("short");
        foreach (var page in new[] { alice, bob })
        {
            var separator = page.Page.Locator("#message-list .day-separator");
            await Expect(separator).ToHaveTextAsync("Today");
            var list = await page.Page.Locator("#message-list").BoundingBoxAsync();
            var box = await separator.BoundingBoxAsync();
            Assert.InRange(box!.X, list!.X - 1.5, list.X + 1.5);
            Assert.InRange(box.Width, list.Width - 2, list.Width + 2);
        }
    }

    [Fact]
    public async Task An_http_link_opens_in_a_new_tab_without_an_opener_and_a_javascript_url_stays_text()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        var target = new Uri(host.BaseAddress, "/health").ToString();
        var text = $"status at {target}. not javascript:alert(document.domain) <a href=\"javascript:alert(1)\">x</a>";

        await bob.SendAsync(text);
        await Expect(alice.Message(text)).ToBeVisibleAsync();
        var link = alice.Page.Locator("#message-list .message-text a");
        await Expect(link).ToHaveCountAsync(1);
        await Expect(link).ToHaveTextAsync(target);
        await Expect(link).ToHaveAttributeAsync("href", target);
        await Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Expect(alice.Page.Locator("#message-list [href^='javascript' i], #message-list [onclick]")).ToHaveCountAsync(0);

        var opened = await alice.Page.Context.RunAndWaitForPageAsync(() => link.ClickAsync());
        await opened.WaitForLoadStateAsync();
        Assert.Equal(target, opened.Url);
        Assert.True(await opened.EvaluateAsync<bool>("() => window.opener === null"));
        await opened.CloseAsync();
    }

    [Fact]
    public async Task A_message_that_mentions_the_reader_is_highlighted()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");

        await alice.SendAsync("@Bob, look at this");
        await alice.SendAsync("bob@example.org is not a mention");
        await Expect(bob.Messages).ToHaveCountAsync(2);
        await Expect(bob.Page.Locator("#message-list > li.mentioned")).ToHaveCountAsync(1);
        await Expect(bob.Page.Locator("#message-list > li.mentioned mark.mention")).ToHaveTextAsync("@Bob");
        await Expect(bob.Message("@Bob, look at this")).ToBeVisibleAsync();
        // The author's own page highlights nothing.
        await Expect(alice.Page.Locator("#message-list mark, #message-list > li.mentioned")).ToHaveCountAsync(0);
    }
}
