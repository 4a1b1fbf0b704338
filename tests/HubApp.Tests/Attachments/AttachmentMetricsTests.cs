using HubApp.Contracts;
using HubApp.Testing;
using HubApp.Tests.Telemetry;
using static HubApp.Tests.Attachments.AttachmentHttp;

namespace HubApp.Tests.Attachments;

/// <summary>
/// The attachment metrics on <c>GET /metrics</c> of the real host. Alone: the exporter reads every meter named HubApp in
/// the process, so another test's uploads would count here too.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class AttachmentMetricsTests
{
    private static readonly byte[] Pdf = "%PDF-1.7\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task TheMetricsCountBytesStoredAndFilesStored()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("room");
        var before = await MetricsScrape.GetAsync(http).DefaultTimeout();
        Assert.Contains("hubapp_attachments_stored", before.Text, StringComparison.Ordinal);

        var pdf = await UploadOkAsync(http, "alice", "rooms/room", "a.pdf", Pdf);
        var image = await UploadOkAsync(http, "alice", "rooms/room", "b.png", TestImages.Png(50, 50));

        var after = await MetricsScrape.WaitForAsync(http, s => s.Value("hubapp_attachments_stored") == 2);
        Assert.Equal(pdf.Size + image.Size, after.Value("hubapp_attachment_bytes_stored_total") - before.Value("hubapp_attachment_bytes_stored_total"));
        Assert.Equal(2, after.Value("hubapp_attachments_stored"));
        var posted = await alice.PostAsync("room", new Draft("files", AttachmentIds: [pdf.Id]));
        await alice.InvokeAsync<ChatMessage>(HubMethods.DeleteMessage, "room", posted.Id);
        var deleted = await MetricsScrape.WaitForAsync(http, s => s.Value("hubapp_attachments_stored") == 1);
        Assert.Equal(1, deleted.Value("hubapp_attachments_stored"));
    }
}
