using System.Text;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Tests.Infrastructure;
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

            await Expect(page.Locator("#signin-error")).ToContainTextAsync("did not accept that access token");
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

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
