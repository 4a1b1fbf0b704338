using HubApp.Attachments;
using HubApp.Storage;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Attachments;

/// <summary>The filesystem provider on a real temporary folder: a key names a whole file or nothing.</summary>
public sealed class FileSystemAttachmentContentTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hubapp-files-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task AWrittenFileReadsBackWholeAndSeekable()
    {
        var content = Create();
        var bytes = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();

        Assert.Equal(bytes.Length, await content.WriteAsync("abc", new MemoryStream(bytes), bytes.Length, CancellationToken.None));
        await using var stream = (await content.OpenReadAsync("abc", CancellationToken.None))!;

        Assert.True(stream.CanSeek);
        Assert.Equal(bytes.Length, stream.Length);
        stream.Seek(150_000, SeekOrigin.Begin);
        var tail = new byte[50_000];
        await stream.ReadExactlyAsync(tail);
        Assert.Equal(bytes[150_000..], tail);
        Assert.Equal(["abc"], Files());
    }

    [Fact]
    public async Task AWriteOverTheBoundOrCutShortLeavesNothingBehind()
    {
        var content = Create();

        await Assert.ThrowsAsync<AttachmentTooLargeException>(() => content.WriteAsync("big", new MemoryStream(new byte[1001]), 1000, CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(() => content.WriteAsync("cut", new BreakingStream(100_000), long.MaxValue, CancellationToken.None));

        Assert.Null(await content.OpenReadAsync("big", CancellationToken.None));
        Assert.Null(await content.OpenReadAsync("cut", CancellationToken.None));
        Assert.Empty(Files());
    }

    [Fact]
    public async Task AKeyIsNeverAPath()
    {
        var content = Create();

        await Assert.ThrowsAsync<ArgumentException>(() => content.WriteAsync("../escape", new MemoryStream([1]), 10, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => content.OpenReadAsync(".incoming", CancellationToken.None));
        Assert.Empty(Files());
    }

    private FileSystemAttachmentContent Create() =>
        new(Options.Create(new AttachmentsOptions { Path = "files" }), new Environment(_root.FullName));

    private string[] Files() =>
        Directory.Exists(Path.Combine(_root.FullName, "files"))
            ? [.. Directory.EnumerateFileSystemEntries(Path.Combine(_root.FullName, "files")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!]
            : [];

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";

        public string ApplicationName { get; set; } = "HubApp";

        public string ContentRootPath { get; set; } = root;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    /// <summary>Gives <paramref name="before"/> bytes, then fails as a dropped connection does.</summary>
    private sealed class BreakingStream(int before) : MemoryStream(new byte[before])
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, count) is > 0 and var n ? n : throw new IOException("The peer went away.");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span) is > 0 and var n ? n : throw new IOException("The peer went away."));
    }
}
