namespace HubApp.Cli.Chat;

/// <summary>Line by line over a reader and a writer: redirected stdin, and tests. One lock keeps printed lines whole.</summary>
internal sealed class PlainTerminal(TextReader input, TextWriter output) : IChatTerminal
{
    private readonly Lock _gate = new();

    public ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => input.ReadLineAsync(cancellationToken);

    public void WriteLine(string text)
    {
        lock (_gate)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }

    // A plain stream cannot rewrite a line: each status is a line of its own, and clearing it prints nothing.
    public void SetStatus(string? text)
    {
        if (text is not null)
        {
            WriteLine(text);
        }
    }
}
