using System.Buffers.Text;
using System.Security.Cryptography;
using HubApp.Browser.Tests.Infrastructure;
using HubApp.Storage;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>
/// Web Push as far as Chromium here can take it: it reaches no real push service, so the page's part is tested up to the
/// host. The service worker is registered under the page's CSP and the host's key is fetched; a browser whose
/// <c>pushManager.subscribe</c> fails says so and keeps working; and with a stand-in <c>PushManager</c> (a subscription as
/// a browser would make it) the page's POST reaches the host and stores it, and signing out deletes it.
/// </summary>
[Collection(UsesChromium.Name)]
public sealed class PushTests(Chromium chromium)
{
    private const string GrantedNotifications = """
        class GrantedNotification extends EventTarget {
          static permission = "default";
          static async requestPermission() { GrantedNotification.permission = "granted"; return "granted"; }
          close() {}
        }
        window.Notification = GrantedNotification;
        """;

    [Fact]
    public async Task Turning_notifications_on_registers_the_worker_with_the_hosts_key_and_a_failed_subscribe_is_told_not_fatal()
    {
        await using var host = await HubAppHost.StartAsync();
        var requests = new List<string>();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", beforeSignIn: async page =>
        {
            page.Request += (_, request) => requests.Add(new Uri(request.Url).AbsolutePath);
            await page.AddInitScriptAsync(GrantedNotifications);
            await page.ReloadAsync();
        });

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Notifications", Exact = true }).ClickAsync();

        // Chromium without a push service refuses the subscription (no permission of its own, or no service to reach).
        await Expect(alice.Toasts).ToContainTextAsync("could not subscribe to push notifications");
        Assert.Contains("/api/push/key", requests);
        Assert.True(await alice.Page.EvaluateAsync<bool>("navigator.serviceWorker.getRegistration('/sw.js').then(r => r !== undefined)"));
        Assert.Empty(await host.Services.GetRequiredService<IPushSubscriptionStore>().ListAsync("alice", CancellationToken.None));
        await alice.SendAsync("still here");
        await Expect(alice.Message("still here")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_pages_subscription_reaches_the_host_and_signing_out_deletes_it()
    {
        await using var host = await HubAppHost.StartAsync();
        using var browserKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = browserKey.ExportParameters(false).Q;
        var p256dh = Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]);
        var auth = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        const string endpoint = "https://fcm.googleapis.com/fcm/send/browser-test";
        // A PushManager as a browser with a push service has it: subscribe gives a subscription, getSubscription it again.
        var standIn = GrantedNotifications + $$"""
            window.__subscribedWith = null;
            let current = null;
            const subscription = {
              endpoint: "{{endpoint}}",
              toJSON: () => ({ endpoint: "{{endpoint}}", expirationTime: null, keys: { p256dh: "{{p256dh}}", auth: "{{auth}}" } }),
              unsubscribe: async () => { current = null; return true; },
            };
            PushManager.prototype.subscribe = async function (options) {
              window.__subscribedWith = { userVisibleOnly: options.userVisibleOnly, key: btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey))) };
              current = subscription;
              return subscription;
            };
            PushManager.prototype.getSubscription = async function () { return current; };
            """;
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", beforeSignIn: async page =>
        {
            await page.AddInitScriptAsync(standIn);
            await page.ReloadAsync();
        });
        var store = host.Services.GetRequiredService<IPushSubscriptionStore>();
        var posted = alice.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/push/subscriptions", StringComparison.Ordinal) && r.Request.Method == "POST");

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Notifications", Exact = true }).ClickAsync();

        Assert.Equal(201, (await posted).Status);
        var stored = Assert.Single(await store.ListAsync("alice", CancellationToken.None));
        Assert.Equal((endpoint, p256dh, auth), (stored.Endpoint, stored.P256dh, stored.Auth));
        using var http = host.CreateHttpClient();
        var hostKey = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/push/key")).RootElement.GetProperty("publicKey").GetString()!;
        var subscribedWith = await alice.Page.EvaluateAsync<System.Text.Json.JsonElement>("window.__subscribedWith");
        Assert.True(subscribedWith.GetProperty("userVisibleOnly").GetBoolean());
        Assert.Equal(Base64Url.DecodeFromChars(hostKey), Convert.FromBase64String(subscribedWith.GetProperty("key").GetString()!));

        var deleted = alice.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/push/subscriptions", StringComparison.Ordinal) && r.Request.Method == "DELETE");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();

        Assert.Equal(204, (await deleted).Status);
        await Expect(alice.Page.GetByLabel("Your name")).ToBeVisibleAsync();
        Assert.Empty(await store.ListAsync("alice", CancellationToken.None));
    }
}
