using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Search (contract v3 "Search"): the box in the sidebar, results grouped by room and direct messages, a jump to each.</summary>
[Collection(UsesChromium.Name)]
public sealed class SearchTests(Chromium chromium)
{
    [Fact]
    public async Task Results_are_grouped_by_room_with_the_words_marked_and_each_jumps_to_its_message()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", ChatPage.Desktop);
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob", ChatPage.Desktop);
        await bob.SendAsync("the <b>invoice</b> for March is paid");
        await alice.JoinAsync("billing");
        await alice.SendAsync("invoices go out on the first");
        await alice.SendAsync("nothing to see here");
        await alice.WriteToAsync("bob");
        await alice.SendAsync("did you get my invoice?");
        await alice.Channel("#billing").ClickAsync();

        await alice.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search messages" }).FillAsync("Invoice");
        await alice.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search messages" }).PressAsync("Enter");
        var results = alice.Page.Locator("#search-results");
        await Expect(alice.Page.Locator("#search-status")).ToHaveTextAsync("3 messages found");
        await Expect(results.Locator(".search-group-title")).ToHaveTextAsync(["#billing", "#general", "Direct messages"]);
        await Expect(results.Locator("mark")).ToHaveTextAsync(["invoice", "invoice", "invoice"]);
        // The markup in a message is text, as everywhere.
        await Expect(results.GetByRole(AriaRole.List, new() { Name = "#general" })).ToContainTextAsync("the <b>invoice</b> for March is paid");
        await Expect(alice.Page.Locator("#search-results b")).ToHaveCountAsync(0);

        await results.GetByRole(AriaRole.List, new() { Name = "#general" }).GetByRole(AriaRole.Button).ClickAsync();
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("#general");
        await Expect(alice.Line("the <b>invoice</b> for March is paid")).ToBeFocusedAsync();

        await results.GetByRole(AriaRole.List, new() { Name = "Direct messages" }).GetByRole(AriaRole.Button).ClickAsync();
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("@bob");
        await Expect(alice.Line("did you get my invoice?")).ToBeFocusedAsync();

        // Bob never joined #billing: his search does not reach it.
        await bob.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search messages" }).FillAsync("invoice");
        await bob.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search messages" }).PressAsync("Enter");
        await Expect(bob.Page.Locator("#search-results .search-group-title")).ToHaveTextAsync(["#general", "Direct messages"]);
    }
}
