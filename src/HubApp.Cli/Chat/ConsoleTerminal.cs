namespace HubApp.Cli.Chat;

/// <summary>
/// The interactive terminal: reads key by key into a <see cref="LineEditor"/>, so lines printed while the user types
/// (from the client's event handlers, on other threads) appear above the line being typed instead of inside it.
/// Ctrl-C is read as a key (it clears the line, or quits on an empty one) rather than ending the process.
/// </summary>
internal sealed class ConsoleTerminal : IChatTerminal
{
    private readonly Lock _gate = new();
    private readonly LineEditor _editor = new(Console.Out);

    public ConsoleTerminal()
    {
        Console.TreatControlCAsInput = true;
        lock (_gate)
        {
            _editor.Redraw();
        }
    }

    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // ReadKey blocks and cannot be cancelled: it waits on a pool thread of its own.
            var key = await Task.Run(() => Console.ReadKey(intercept: true), cancellationToken);
            lock (_gate)
            {
                var result = _editor.Key(key);
                switch (result.Action)
                {
                    case LineEditorAction.Line:
                        return result.Line;
                    case LineEditorAction.Quit:
                        return null;
                }
            }
        }

        return null;
    }

    public void WriteLine(string text)
    {
        lock (_gate)
        {
            _editor.PrintAbove(text);
        }
    }

    public void SetStatus(string? text)
    {
        lock (_gate)
        {
            _editor.Status = text;
            _editor.Redraw();
        }
    }
}
