using System.Text;
using System.Text.RegularExpressions;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>Signing in with a pasted access token the server refuses.</summary>
public sealed partial class PageTests
{
    [Fact]
    public async Task A_forged_pasted_token_returns_to_the_sign_in_form_with_a_message_and_is_forgotten()
    {
        await using var host = await HubAppHost.StartAsync();
        var page = await chromium.OpenPageAsync(host.BaseAddress);
        try
        {
            var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            var forged = $"{Base64Url("""{"alg":"HS256","typ":"JWT"}""")}.{Base64Url($$"""{"sub":"mallory","name":"Mallory","exp":{{exp}}}""")}.c2lnbmF0dXJl";
            await page.GetByText("Use an access token instead").ClickAsync();
            await page.GetByLabel("Access token").FillAsync(forged);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with token" }).ClickAsync();

            // Said under the token's box, which is marked invalid and described by it.
            var token = page.GetByLabel("Access token");
            await Expect(page.Locator("#signin-token-error")).ToContainTextAsync("did not accept that access token");
            await Expect(token).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(token).ToHaveAccessibleDescriptionAsync(new Regex("did not accept that access token"));
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in with token" })).ToBeVisibleAsync();
            await Expect(page.GetByLabel("Access token")).ToHaveValueAsync(string.Empty);
            await Expect(page.GetByLabel("Access token")).ToBeFocusedAsync();
            await Expect(page.Locator("#app")).ToBeHiddenAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reconnect" })).ToBeHiddenAsync();
            Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('hubapp.signin')"));

            // A reload does not try it again.
            await page.ReloadAsync();
            await Expect(page.GetByLabel("Your name")).ToBeFocusedAsync();
            await Expect(page.Locator("#app")).ToBeHiddenAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_bad_name_is_explained_under_its_field_which_is_marked_invalid_until_the_name_is_typed_again()
    {
        await using var host = await HubAppHost.StartAsync();
        var page = await chromium.OpenPageAsync(host.BaseAddress, ChatPage.Phone);
        try
        {
            var name = page.GetByLabel("Your name");
            await name.FillAsync("not a name!");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

            var error = page.Locator("#signin-name-error");
            await Expect(error).ToHaveTextAsync("Names are 1–32 letters, digits, “_”, “-” or “.”.");
            await Expect(name).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(name).ToHaveAccessibleDescriptionAsync(new Regex("^Names are 1–32 letters"));
            await Expect(name).ToBeFocusedAsync();
            // Right under the field, above the button.
            var field = await name.BoundingBoxAsync();
            var said = await error.BoundingBoxAsync();
            var button = await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).BoundingBoxAsync();
            Assert.InRange(said!.Y - (field!.Y + field.Height), 0, 16);
            Assert.True(said.Y + said.Height <= button!.Y, "the error is not above the Sign in button");

            await name.FillAsync("alice");
            await Expect(name).Not.ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(error).ToBeHiddenAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
