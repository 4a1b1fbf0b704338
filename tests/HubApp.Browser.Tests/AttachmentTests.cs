using HubApp.Browser.Tests.Infrastructure;
using HubApp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HubApp.Browser.Tests;

/// <summary>
/// Attachments in the page (contract v3 "Attachments"): attached by the button or dropped, uploaded with a chip each,
/// posted with the message; images as thumbnails opening the viewer, other files as a card with Download; every
/// file read with the token in a header, never in a URL; a refused file says why and the text stays.
/// </summary>
[Collection(UsesChromium.Name)]
public sealed class AttachmentTests(Chromium chromium)
{
    private static readonly byte[] RedPng = TestFiles.Png(64, 48, 220, 40, 40);
    private static readonly byte[] BluePng = TestFiles.Png(48, 64, 40, 60, 220);

    [Fact]
    public async Task The_other_person_sees_the_image_as_a_thumbnail_and_the_pdf_as_a_card_and_the_viewer_moves_with_the_arrows()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        var bobsFileReads = new List<IRequest>();
        bob.Page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/attachments/", StringComparison.Ordinal))
            {
                lock (bobsFileReads)
                {
                    bobsFileReads.Add(request);
                }
            }
        };

        // By the button (the file input it opens), two files at once.
        await alice.Page.Locator("#attach-input").SetInputFilesAsync(new FilePayload[]
        {
            new() { Name = "red.png", MimeType = "image/png", Buffer = RedPng },
            new() { Name = "report.pdf", MimeType = "application/pdf", Buffer = TestFiles.Pdf() },
        });
        await Expect(alice.Page.Locator("#upload-chips > li[data-state=done]")).ToHaveCountAsync(2);
        await alice.SendAsync("the photo and the report");
        await Expect(alice.Page.Locator("#upload-chips")).ToBeHiddenAsync();

        // By dropping a file on the conversation; a message of files alone has no text.
        await DropAsync(alice.Page, "blue.png", BluePng);
        await Expect(alice.Page.Locator("#upload-chips > li[data-state=done]")).ToHaveCountAsync(1);
        await alice.Composer.PressAsync("Enter");
        await Expect(alice.Page.Locator("#upload-chips")).ToBeHiddenAsync();

        foreach (var page in new[] { alice, bob })
        {
            var line = page.Line("the photo and the report");
            var thumbnail = line.GetByRole(AriaRole.Button, new() { Name = "Open image red.png", Exact = true });
            await Expect(thumbnail.Locator("img")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"));
            // Sized from the image's width and height before it arrives.
            await Expect(thumbnail.Locator("img")).ToHaveAttributeAsync("width", "64");
            await Expect(thumbnail.Locator("img")).ToHaveAttributeAsync("height", "48");
            var card = line.Locator(".attachment-card");
            await Expect(card).ToContainTextAsync("report.pdf");
            await Expect(card).ToContainTextAsync(" B");
            await Expect(page.Messages.Last.GetByRole(AriaRole.Button, new() { Name = "Open image blue.png", Exact = true }).Locator("img"))
                .ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"));
        }

        // The viewer: ← and → move between the conversation's images in order, Escape closes it and focus comes back.
        var red = bob.Page.GetByRole(AriaRole.Button, new() { Name = "Open image red.png", Exact = true });
        await red.ClickAsync();
        var viewer = bob.Page.GetByRole(AriaRole.Dialog);
        await Expect(viewer).ToBeVisibleAsync();
        await Expect(viewer.Locator("#image-viewer-title")).ToHaveTextAsync("red.png");
        await Expect(viewer.Locator("#image-viewer-image")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"));
        await Expect(viewer.Locator("#image-viewer-position")).ToHaveTextAsync("1 of 2");
        await bob.Page.Keyboard.PressAsync("ArrowRight");
        await Expect(viewer.Locator("#image-viewer-title")).ToHaveTextAsync("blue.png");
        await Expect(viewer.Locator("#image-viewer-position")).ToHaveTextAsync("2 of 2");
        await bob.Page.Keyboard.PressAsync("ArrowRight"); // The last: nothing further.
        await Expect(viewer.Locator("#image-viewer-title")).ToHaveTextAsync("blue.png");
        await bob.Page.Keyboard.PressAsync("ArrowLeft");
        await Expect(viewer.Locator("#image-viewer-title")).ToHaveTextAsync("red.png");
        await bob.Page.Keyboard.PressAsync("Escape");
        await Expect(viewer).ToBeHiddenAsync();
        await Expect(red).ToBeFocusedAsync();

        // Download: the file itself, under its name.
        var download = await bob.Page.RunAndWaitForDownloadAsync(() =>
            bob.Line("the photo and the report").GetByRole(AriaRole.Button, new() { Name = "Download report.pdf", Exact = true }).ClickAsync());
        Assert.Equal("report.pdf", download.SuggestedFilename);
        var saved = Path.Combine(Path.GetTempPath(), $"hubapp-download-{Guid.NewGuid():N}.pdf");
        await download.SaveAsAsync(saved);
        try
        {
            Assert.Equal(TestFiles.Pdf(), await File.ReadAllBytesAsync(saved));
        }
        finally
        {
            File.Delete(saved);
        }

        // Every read carried the token in its header, none in its URL.
        IRequest[] reads;
        lock (bobsFileReads)
        {
            reads = [.. bobsFileReads];
        }

        Assert.NotEmpty(reads);
        foreach (var request in reads)
        {
            Assert.DoesNotContain("access_token", request.Url, StringComparison.OrdinalIgnoreCase);
            Assert.StartsWith("Bearer ", (await request.AllHeadersAsync())["authorization"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_30_MB_file_is_refused_with_the_reason_and_the_text_is_kept()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await alice.Composer.FillAsync("the big one");
        // From a file on disk, which the browser reads itself (30 MB through Playwright's protocol would take seconds).
        var folder = Directory.CreateTempSubdirectory("hubapp-upload-");
        try
        {
            var huge = Path.Combine(folder.FullName, "huge.bin");
            await using (var file = File.Create(huge))
            {
                file.SetLength(30 * 1024 * 1024);
            }

            await alice.Page.Locator("#attach-input").SetInputFilesAsync(huge);

            var chip = alice.Page.Locator("#upload-chips > li");
            await Expect(chip).ToHaveAttributeAsync("data-state", "failed");
            await Expect(chip).ToContainTextAsync("huge.bin");
            await Expect(chip.GetByRole(AriaRole.Alert)).ToHaveTextAsync("too large (max 25 MB)");
            await Expect(alice.Composer).ToHaveValueAsync("the big one");

            await chip.GetByRole(AriaRole.Button, new() { Name = "Remove huge.bin", Exact = true }).ClickAsync();
            await Expect(alice.Page.Locator("#upload-chips")).ToBeHiddenAsync();
            await Expect(alice.Composer).ToHaveValueAsync("the big one");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_file_the_server_refuses_as_too_large_says_so_and_the_text_is_kept()
    {
        // The page's own check lets 2 MB pass; this server takes at most 1 MB.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Attachments:MaxBytes"] = "1048576" });
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await alice.Composer.FillAsync("a bit too big");
        await alice.Page.Locator("#attach-input").SetInputFilesAsync(new FilePayload
        {
            Name = "big.pdf", MimeType = "application/pdf", Buffer = [.. TestFiles.Pdf(), .. new byte[2 * 1024 * 1024]],
        });

        var chip = alice.Page.Locator("#upload-chips > li");
        await Expect(chip).ToHaveAttributeAsync("data-state", "failed");
        await Expect(chip.GetByRole(AriaRole.Alert)).ToHaveTextAsync("too large (max 25 MB)");
        await Expect(alice.Composer).ToHaveValueAsync("a bit too big");
    }

    [Fact]
    public async Task A_message_whose_files_were_uploaded_but_whose_post_was_cut_off_is_posted_once_after_a_reload()
    {
        await using var host = await HubAppHost.StartAsync();
        var network = new Network();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice", beforeSignIn: network.RouteAsync);
        await using var bob = await ChatPage.SignInAsync(chromium, host.BaseAddress, "bob");
        await alice.Page.Locator("#attach-input").SetInputFilesAsync(new FilePayload { Name = "kept.png", MimeType = "image/png", Buffer = RedPng });
        await Expect(alice.Page.Locator("#upload-chips > li[data-state=done]")).ToHaveCountAsync(1);

        await network.CutAsync();
        await Expect(alice.Status).Not.ToHaveTextAsync("Connected");
        await alice.SendAsync("sent while cut off");
        await Expect(alice.Pending).ToContainTextAsync("kept.png");

        // The page goes with the post not made: the outbox kept the uploaded file's id with the message.
        await alice.Page.ReloadAsync();
        // A page that could not connect at all offers Reconnect (it retries by itself only a connection it had).
        var reconnect = alice.Page.GetByRole(AriaRole.Button, new() { Name = "Reconnect", Exact = true });
        await Expect(reconnect).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await network.RestoreAsync();
        await reconnect.ClickAsync();
        await Expect(alice.Status).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });
        await Expect(alice.Pending).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Line("sent while cut off").GetByRole(AriaRole.Button, new() { Name = "Open image kept.png", Exact = true }).Locator("img"))
                .ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"));
            Assert.Equal(["sent while cut off"], await page.MessageTextsAsync());
        }

        Assert.Equal(1, host.Recorder.Invocations.Count(i => i.Method == "Post"));
    }

    [Fact]
    public async Task An_upload_on_its_way_shows_its_progress_can_be_cancelled_and_until_then_the_page_asks_before_it_closes()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        var release = new TaskCompletionSource();
        // The upload never gets an answer while the test looks at it.
        await alice.Page.RouteAsync("**/api/rooms/*/attachments", async route =>
        {
            await release.Task;
            try
            {
                await route.AbortAsync();
            }
            catch (PlaywrightException)
            {
                // The page is gone by then.
            }
        });
        await alice.Composer.ClickAsync(); // A page the user never touched may not ask anything before it closes.
        await alice.Page.Locator("#attach-input").SetInputFilesAsync(new FilePayload { Name = "slow.pdf", MimeType = "application/pdf", Buffer = TestFiles.Pdf() });
        var chip = alice.Page.Locator("#upload-chips > li");
        await Expect(chip).ToHaveAttributeAsync("data-state", "uploading");
        await Expect(chip.Locator("progress")).ToBeVisibleAsync();

        var asked = new TaskCompletionSource<string>();
        alice.Page.Dialog += (_, dialog) =>
        {
            asked.TrySetResult(dialog.Type);
            _ = dialog.DismissAsync();
        };
        await alice.Page.CloseAsync(new() { RunBeforeUnload = true });
        Assert.Equal("beforeunload", await asked.Task.DefaultTimeout());
        await Expect(chip).ToHaveAttributeAsync("data-state", "uploading"); // Stayed.

        await chip.GetByRole(AriaRole.Button, new() { Name = "Cancel upload of slow.pdf", Exact = true }).ClickAsync();
        await Expect(alice.Page.Locator("#upload-chips")).ToBeHiddenAsync();
        var closed = new TaskCompletionSource();
        alice.Page.Close += (_, _) => closed.TrySetResult();
        await alice.Page.CloseAsync(new() { RunBeforeUnload = true });
        await closed.Task.DefaultTimeout();
        release.SetResult();
    }

    [Fact]
    public async Task A_picture_pasted_into_the_text_box_is_attached_and_the_text_stays()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await ChatPage.SignInAsync(chromium, host.BaseAddress, "alice");
        await alice.Composer.FillAsync("from the clipboard");
        await alice.Page.EvaluateAsync(
            """
            (base64) => {
              const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], "image.png", { type: "image/png" }));
              document.getElementById("message-input").dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """,
            Convert.ToBase64String(RedPng));

        await Expect(alice.Page.Locator("#upload-chips > li[data-state=done]")).ToContainTextAsync("image.png");
        await Expect(alice.Composer).ToHaveValueAsync("from the clipboard");
    }

    /// <summary>Drops a file on the conversation as a drag from the desktop would: a DataTransfer built in the page.</summary>
    private static async Task DropAsync(IPage page, string name, byte[] bytes) =>
        await page.EvaluateAsync(
            """
            ([name, base64]) => {
              const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], name, { type: "image/png" }));
              const target = document.getElementById("messages");
              for (const type of ["dragenter", "dragover", "drop"]) {
                target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
              }
            }
            """,
            new object[] { name, Convert.ToBase64String(bytes) });
}
