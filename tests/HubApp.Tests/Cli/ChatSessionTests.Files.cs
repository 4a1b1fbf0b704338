using HubApp.Cli.Chat;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Cli;

public sealed partial class ChatSessionTests
{
    [Fact]
    public void AMessagesFilesShowAfterItsTextWithNameSizeAndTheNumberDownloadTakes()
    {
        Attachment[] files = [File("f1", "report.pdf", 12 * 1024 + 300), File("f2", "cat.png", 3_600_000)];
        var message = Line(3, "alice", "see") with { Attachments = files, Reactions = [new Reaction("👍", 1, ["bob"])] };
        var direct = new DirectMessage(9, "bob", "Bob", "alice", string.Empty, At) { Attachments = files[..1] };

        Assert.EndsWith("#3 [general] alice: see [file: report.pdf (12 KB)] [file: cat.png (3.4 MB)] [👍 1]", ChatSession.Format(message), StringComparison.Ordinal);
        Assert.EndsWith(
            "alice: see [file: report.pdf (12 KB)] (/download 7) [file: cat.png (3.4 MB)] (/download 8) [👍 1]",
            ChatSession.Format(message, number: a => a.Id == "f1" ? 7 : 8),
            StringComparison.Ordinal);
        Assert.EndsWith("[dm] Bob → alice: [file: report.pdf (12 KB)] (/download 1)", ChatSession.FormatDirect(direct, _ => 1), StringComparison.Ordinal);
        Assert.EndsWith("#3 [general] alice: see", ChatSession.Format(message with { Attachments = [], Reactions = null }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadPostsAFileTheOtherSideSeesAndDownloadSavesItByItsNumberNextToTheFilesThereWithoutWritingOverThem()
    {
        var folder = Directory.CreateTempSubdirectory("hubapp-terminal-files-");
        try
        {
            await using var host = await HubAppHost.StartAsync();
            await using var bob = await host.ConnectAsync("bob", "Bob");
            var bobMessages = new Inbox<ChatMessage>();
            bob.MessageReceived += bobMessages.Add;
            await bob.JoinRoomAsync("general").DefaultTimeout();
            await using var terminal = await Terminal.StartAsync(host, "alice", folder.FullName);
            terminal.Type("/join general");
            await terminal.WaitForAsync("— general:");
            var bytes = new byte[3000];
            Random.Shared.NextBytes(bytes);
            var upload = Path.Combine(folder.FullName, "notes.bin");
            await System.IO.File.WriteAllBytesAsync(upload, bytes);

            terminal.Type($"/upload {upload}");
            var posted = await bobMessages.NextAsync(m => m.UserId == "alice");
            await terminal.WaitForAsync("alice: [file: notes.bin (2.9 KB)] (/download 1)");
            terminal.Type("/download 1");
            await terminal.WaitForAsync("↓ saved notes.bin");
            terminal.Type("/download 2");
            await terminal.WaitForAsync("! No file 2");

            Assert.Equal(("notes.bin", 3000L), (Assert.Single(posted.Attachments!).Name, posted.Attachments![0].Size));
            Assert.Contains(terminal.Lines, l => l.Contains("↑ notes.bin: 2.9 KB of 2.9 KB (100%)", StringComparison.Ordinal));
            Assert.Equal(bytes, await System.IO.File.ReadAllBytesAsync(Path.Combine(folder.FullName, "notes (1).bin")));
            Assert.Equal(bytes, await System.IO.File.ReadAllBytesAsync(upload));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1 KB")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(12 * 1024 + 1023, "12 KB")]
    [InlineData(25 * 1024 * 1024 - 1, "24 MB")]
    [InlineData(25 * 1024 * 1024, "25 MB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5 GB")]
    public void SizesReadAsPeopleReadThem(long bytes, string expected) => Assert.Equal(expected, ChatSession.Size(bytes));

    [Fact]
    public void ADownloadIsSavedUnderItsOwnNameNeverOverAFileAndNeverUnderANameThatIsAPath()
    {
        var folder = Directory.CreateTempSubdirectory("hubapp-downloads-");
        try
        {
            var outside = Path.Combine(folder.Parent!.FullName, "escaped.txt");
            string[] refused = ["../escaped.txt", "sub/escaped.txt", "..", ".", string.Empty, "a\\b.txt", "line\nbreak.txt", outside];
            foreach (var name in refused)
            {
                Assert.Null(ChatSession.CreateDownloadFile(folder.FullName, name));
            }

            System.IO.File.WriteAllText(Path.Combine(folder.FullName, "report.pdf"), "mine");
            string[] paths = new string[2];
            for (var i = 0; i < paths.Length; i++)
            {
                using var created = ChatSession.CreateDownloadFile(folder.FullName, "report.pdf")!;
                paths[i] = created.Name;
            }

            using var plain = ChatSession.CreateDownloadFile(folder.FullName, "notes")!;

            Assert.Equal(["report (1).pdf", "report (2).pdf"], paths.Select(Path.GetFileName));
            Assert.All(paths, p => Assert.Equal(folder.FullName, Path.GetDirectoryName(p)));
            Assert.Equal("mine", System.IO.File.ReadAllText(Path.Combine(folder.FullName, "report.pdf")));
            Assert.Equal(Path.Combine(folder.FullName, "notes"), plain.Name);
            Assert.False(System.IO.File.Exists(outside));
            Assert.Equal(4, folder.GetFiles().Length);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static Attachment File(string id, string name, long size) => new(id, name, "application/pdf", size, null, null, $"/api/attachments/{id}", null);
}
