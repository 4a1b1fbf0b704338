namespace HubApp.Cli.Chat;

/// <summary>Where the terminal chat reads typed lines and prints. Printing may come from any thread, during a read.</summary>
internal interface IChatTerminal
{
    /// <summary>The next line typed, or null when input ended (end of file, or Ctrl-C on an empty line).</summary>
    ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken);

    /// <summary>Prints a line (it may hold line breaks) without disturbing a line being typed.</summary>
    void WriteLine(string text);

    /// <summary>Shows <paramref name="text"/> on the status line, in place of what it showed; null clears it.</summary>
    void SetStatus(string? text);
}
