using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests.Infrastructure;

/// <summary>One person's HubApp page, driven as they would: by its labels and roles.</summary>
public sealed class ChatPage(IPage page) : IAsyncDisposable
{
    /// <summary>A phone's window, where the sidebar is a drawer behind the ☰ button.</summary>
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>A desktop's window.</summary>
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };

    public IPage Page { get; } = page;

    public ILocator Status => Page.Locator("#status-text");

    public ILocator Messages => Page.Locator("#message-list > li");

    public ILocator Members => Page.Locator("#member-list > li");

    public ILocator Typing => Page.Locator("#typing");

    public ILocator Composer => Page.GetByRole(AriaRole.Textbox, new() { NameRegex = new("^Message ") });

    public ILocator Toasts => Page.Locator("#toasts");

    /// <summary>The outbox's lines: "sending…" or "not sent".</summary>
    public ILocator Pending => Page.Locator("#message-list > li[data-client-id]");

    /// <summary>
    /// Opens the page and signs in; <paramref name="beforeSignIn"/> runs on the loaded page before the connection is made;
    /// <paramref name="touch"/>: on a touch screen (taps, no hover); <paramref name="opens"/>: the room the page opens on (null: any).
    /// </summary>
    public static async Task<ChatPage> SignInAsync(Chromium chromium, Uri baseAddress, string userName, ViewportSize? viewport = null, Func<IPage, Task>? beforeSignIn = null, bool touch = false, string? opens = "general")
    {
        var chat = new ChatPage(await chromium.OpenPageAsync(baseAddress, viewport, touch));
        if (beforeSignIn is not null)
        {
            await beforeSignIn(chat.Page);
        }

        await chat.Page.GetByLabel("Your name").FillAsync(userName);
        await chat.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(chat.Status).ToHaveTextAsync("Connected");
        if (opens is not null)
        {
            // A first visit of a user without rooms joins #general.
            await Expect(chat.Page.Locator("#conversation-title")).ToHaveTextAsync($"#{opens}");
        }

        return chat;
    }

    public async Task JoinAsync(string room)
    {
        await Page.GetByLabel("Join a room").FillAsync(room);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync();
        await Expect(Page.Locator("#conversation-title")).ToHaveTextAsync($"#{room}");
    }

    /// <summary>Creates a room from the New room dialog (public unless <paramref name="isPrivate"/>) and opens it.</summary>
    public async Task CreateRoomAsync(string room, bool isPrivate = false, string? topic = null)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "New room", Exact = true }).ClickAsync();
        var create = Page.GetByRole(AriaRole.Dialog, new() { Name = "New room" });
        await create.GetByLabel("Name").FillAsync(room);
        if (isPrivate)
        {
            await create.GetByLabel("Private: people you invite").CheckAsync();
        }

        if (topic is not null)
        {
            await create.GetByLabel("Topic (optional)").FillAsync(topic);
        }

        await create.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(Page.Locator("#conversation-title")).ToHaveTextAsync($"#{room}");
    }

    public async Task SendAsync(string text)
    {
        await Composer.FillAsync(text);
        await Composer.PressAsync("Enter");
        await Expect(Composer).ToHaveValueAsync(string.Empty);
    }

    /// <summary>The message list's texts, in the order shown.</summary>
    public Task<IReadOnlyList<string>> MessageTextsAsync() => Page.Locator("#message-list .message-text").AllTextContentsAsync();

    public ILocator Message(string text) => Page.Locator("#message-list .message-text", new() { HasTextRegex = new($"^{System.Text.RegularExpressions.Regex.Escape(text)}$") });

    /// <summary>The message line (li) of the main timeline whose text reads exactly <paramref name="text"/>.</summary>
    public ILocator Line(string text) =>
        Messages.Filter(new() { Has = Page.Locator(".message-text", new() { HasTextRegex = new($"^{System.Text.RegularExpressions.Regex.Escape(text)}$") }) });

    /// <summary>The thread panel (#thread), a complementary landmark named "Thread".</summary>
    public ILocator Thread => Page.Locator("#thread");

    /// <summary>Runs one of a line's actions (React, Reply, Reply in thread, Edit, Delete) as a pointer user would: the actions show on hover.</summary>
    public async Task LineActionAsync(string text, string action)
    {
        var line = Line(text);
        await line.HoverAsync();
        await line.Locator(".message-actions").GetByRole(AriaRole.Button, new() { Name = action, Exact = true }).ClickAsync();
    }

    /// <summary>Opens the direct conversation with <paramref name="userName"/> from "Write to".</summary>
    public async Task WriteToAsync(string userName)
    {
        await Page.GetByLabel("Write to").FillAsync(userName);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Write", Exact = true }).ClickAsync();
        await Expect(Page.Locator("#conversation-title")).ToHaveTextAsync($"@{userName}");
    }

    /// <summary>A room or direct conversation in the sidebar, by its accessible name (e.g. "#random, 2 unread").</summary>
    public ILocator Channel(string name) =>
        Page.Locator("#sidebar").GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>Another tab of the same browser (shared local storage), signed in on its own as sign-in is per tab.</summary>
    public async Task<ChatPage> OpenTabAsync(string userName)
    {
        var tab = new ChatPage(await Page.Context.NewPageAsync());
        await tab.Page.GotoAsync("/");
        await tab.Page.GetByLabel("Your name").FillAsync(userName);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(tab.Status).ToHaveTextAsync("Connected");
        return tab;
    }

    /// <summary>Closes the person's browser context: their connection goes, as when a window closes.</summary>
    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
