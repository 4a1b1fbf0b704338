using HubApp.Testing;
using static HubApp.Tests.Attachments.AttachmentHttp;

namespace HubApp.Tests.Attachments;

/// <summary>Attachments on the embedded default: a SQLite file and files on disk.</summary>
public sealed class SqliteAttachmentTests : AttachmentTests
{
    private protected override Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null) => HubAppHost.StartAsync(settings);

    [Fact]
    public async Task WhatACrashLeftOnDiskIsSweptOnceOlderThanAnHourAndNothingElse()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Attachments:SweepInterval"] = "00:00:00.200" });
        using var http = host.CreateHttpClient();
        var stored = await UploadOkAsync(http, "alice", "rooms/room", "a.pdf", "%PDF-1.7\n%%EOF\n"u8.ToArray());
        var directory = Path.Combine(host.DataDirectory, "attachments");
        var staging = Path.Combine(directory, ".incoming");
        Directory.CreateDirectory(staging);
        var hoursAgo = DateTime.UtcNow.AddHours(-2);
        // A write cut short (the provider's temporary name) and an upload still arriving when the host died, both old,
        // and a temporary file of a write in progress now.
        string[] old = [Path.Combine(directory, $"{stored.Id}.0123456789abcdef0123456789abcdef.tmp"), Path.Combine(staging, "0123456789abcdef0123456789abcdef")];
        var fresh = Path.Combine(directory, "BBBBBBBBBBBBBBBBBBBBBB.fedcba9876543210fedcba9876543210.tmp");
        foreach (var path in old.Append(fresh))
        {
            await File.WriteAllBytesAsync(path, [1, 2, 3]);
        }

        foreach (var path in old)
        {
            File.SetLastWriteTimeUtc(path, hoursAgo);
        }

        await WaitUntilAsync(() => Task.FromResult(!old.Any(File.Exists)));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(Path.Combine(directory, stored.Id)));
    }
}
