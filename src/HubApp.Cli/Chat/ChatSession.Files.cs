using System.Globalization;
using HubApp.Client;
using HubApp.Contracts;

namespace HubApp.Cli.Chat;

// Attachments (contract v3) in the terminal. A message's files show after its text as "[file: report.pdf (12 KB)]",
// each followed by the number /download takes: "(/download 3)". Numbers count up over the session and a file shown
// again (an edit reprints its message) keeps its number; only the latest MaxNumberedFiles are kept. /upload sends a
// file to the current room (or, with @USER, to that user) as a message of its own, its progress on the status line;
// /download saves one into the download folder under its own name, never over a file there, and never under a name
// that is a path: the name comes from whoever uploaded it.
internal sealed partial class ChatSession
{
    internal const string FilesHelp = """
          /upload PATH      send a file to the current room (/upload @USER PATH: to that user)
          /download N       save the file shown with (/download N) in the current folder
        """;

    private const int MaxNumberedFiles = 1000;

    // How many numbered copies ("name (1).txt") /download tries before it gives up.
    private const int MaxNameTries = 100;

    // Guarded by _gate: the numbers /download takes, both ways, and their order, to forget the oldest.
    private readonly Dictionary<string, int> _fileNumbers = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Attachment> _numberedFiles = [];
    private readonly Queue<int> _fileOrder = new();
    private int _lastFileNumber;

    /// <summary>Where /download saves files. Default: the current folder.</summary>
    internal string DownloadDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>A message's files as they follow its text; <paramref name="number"/> gives each its number for /download.</summary>
    internal static string Files(IReadOnlyList<Attachment>? attachments, Func<Attachment, int>? number = null)
    {
        if (attachments is not { Count: > 0 })
        {
            return string.Empty;
        }

        return string.Concat(attachments.Select(a =>
            $" [file: {a.Name.ReplaceLineEndings(" ")} ({Size(a.Size)})]{(number is null ? string.Empty : $" (/download {number(a)})")}"));
    }

    /// <summary>A size as people read it: 512 B, 1.5 KB, 12 KB, 3.4 MB (powers of 1024).</summary>
    internal static string Size(long bytes)
    {
        string[] units = ["KB", "MB", "GB", "TB"];
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }

        var value = (double)bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        // Cut, not rounded: a file just under the limit never reads as the limit.
        var shown = value < 10 ? (Math.Floor(value * 10) / 10).ToString("0.#", CultureInfo.InvariantCulture) : Math.Floor(value).ToString("0", CultureInfo.InvariantCulture);
        return $"{shown} {units[unit]}";
    }

    /// <summary>
    /// Creates a new file for <paramref name="name"/> in <paramref name="directory"/>: under that name, or "name (1).ext"
    /// and so on when it is taken. Null, and nothing created, for a name that is not a plain file name (a path, ".",
    /// "..", control characters) or when every numbered name is taken.
    /// </summary>
    internal static FileStream? CreateDownloadFile(string directory, string name)
    {
        if (name.Length == 0 || name is "." or ".." || Path.GetFileName(name) != name || name.Contains('\\', StringComparison.Ordinal) ||
            name.Any(char.IsControl) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            return null;
        }

        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var copy = 0; copy <= MaxNameTries; copy++)
        {
            var path = Path.Combine(directory, copy == 0 ? name : $"{stem} ({copy}){extension}");
            try
            {
                // CreateNew: an existing file, or one made meanwhile, is never written over.
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            }
            catch (IOException) when (File.Exists(path) || Directory.Exists(path))
            {
            }
        }

        return null;
    }

    private int Number(Attachment attachment)
    {
        lock (_gate)
        {
            if (_fileNumbers.TryGetValue(attachment.Id, out var known))
            {
                return known;
            }

            var number = ++_lastFileNumber;
            _fileNumbers[attachment.Id] = number;
            _numberedFiles[number] = attachment;
            _fileOrder.Enqueue(number);
            if (_fileOrder.Count > MaxNumberedFiles && _numberedFiles.Remove(_fileOrder.Dequeue(), out var forgotten))
            {
                _fileNumbers.Remove(forgotten.Id);
            }

            return number;
        }
    }

    private void Upload(string rest, CancellationToken cancellationToken)
    {
        var (user, path) = rest.StartsWith('@') ? Split(rest[1..]) : (null, rest);
        var room = user is null ? RequireCurrent() : null;
        var file = new FileInfo(Path.GetFullPath(path.Trim('"')));
        if (!file.Exists)
        {
            Print($"! No such file: {file.FullName}");
            return;
        }

        var target = user is null ? AttachmentTarget.Room(room!) : AttachmentTarget.User(user);
        SendInBackground(() => UploadAndPostAsync(target, room, user, file, cancellationToken), $"file {file.Name}");
    }

    private async Task UploadAndPostAsync(AttachmentTarget target, string? room, string? user, FileInfo file, CancellationToken cancellationToken)
    {
        Attachment attachment;
        try
        {
            var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
            await using (stream)
            {
                var progress = new UploadProgress(terminal, file.Name, stream.Length);
                progress.Report(0);
                attachment = await client.UploadAsync(target, stream, file.Name, progress, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            Print($"! Not sent: file {file.Name}. {ex.Message}");
            return;
        }
        finally
        {
            terminal.SetStatus(null);
        }

        Print($"↑ {attachment.Name} ({Size(attachment.Size)}) uploaded; posting it…");
        var draft = new Draft(string.Empty, AttachmentIds: [attachment.Id]);
        await (user is null ? client.PostAsync(room!, draft, cancellationToken) : (Task)client.PostDirectAsync(user, draft, cancellationToken));
    }

    private async Task DownloadAsync(string rest, CancellationToken cancellationToken)
    {
        Attachment? attachment = null;
        lock (_gate)
        {
            if (int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                attachment = _numberedFiles.GetValueOrDefault(number);
            }
        }

        if (attachment is null)
        {
            Print($"! No file {rest}: /download takes the number shown after a file, as in (/download 3).");
            return;
        }

        FileStream? created;
        try
        {
            created = CreateDownloadFile(DownloadDirectory, attachment.Name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Print($"! Not saved: {ex.Message}");
            return;
        }

        if (created is null)
        {
            Print($"! Not saved: “{Shorten(attachment.Name)}” is not a plain file name, or every copy of it is taken in {DownloadDirectory}.");
            return;
        }

        var path = created.Name;
        try
        {
            await using (created)
            {
                await using var download = await client.OpenAttachmentAsync(attachment.Id, cancellationToken);
                await download.Content.CopyToAsync(created, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is ChatException or HttpRequestException or IOException or OperationCanceledException)
        {
            File.Delete(path);
            Print(ex switch
            {
                ChatException { Code: ErrorCodes.NotFound } => "! Not saved: that file is gone (its message was deleted), or you may not read it.",
                ChatException refused => $"! Not saved: {Describe(refused.Code)}",
                _ => $"! Not saved: {ex.Message}",
            });
            return;
        }

        Print($"↓ saved {attachment.Name} ({Size(attachment.Size)}) as {path}");
    }

    /// <summary>An upload's progress on the terminal's status line, redrawn at each tenth of the file.</summary>
    private sealed class UploadProgress(IChatTerminal terminal, string name, long size) : IProgress<long>
    {
        private int _shown = -1;

        public void Report(long value)
        {
            var tenth = size == 0 ? 10 : (int)Math.Min(10, value * 10 / size);
            if (Interlocked.Exchange(ref _shown, tenth) != tenth)
            {
                terminal.SetStatus($"↑ {name}: {Size(value)} of {Size(size)} ({tenth * 10}%)");
            }
        }
    }
}
