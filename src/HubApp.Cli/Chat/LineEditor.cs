using System.Text;

namespace HubApp.Cli.Chat;

/// <summary>What a key did to the line being typed.</summary>
internal enum LineEditorAction
{
    /// <summary>Edited (or ignored); nothing to do.</summary>
    None,

    /// <summary>Enter: <see cref="LineEditorResult.Line"/> was typed.</summary>
    Line,

    /// <summary>Ctrl-C on an empty line, or Ctrl-D on an empty line: the user wants out.</summary>
    Quit,
}

internal readonly record struct LineEditorResult(LineEditorAction Action, string? Line = null);

/// <summary>
/// The line being typed, kept whole while other lines are printed: each one is written over the input line (carriage
/// return, ANSI "erase line"), then the prompt and what was typed so far are drawn again below it. Keys: printable
/// characters, Backspace, Enter, Ctrl-C (clears the line; on an empty line, quits) and Ctrl-D (quits on an empty line).
/// The cursor stays at the end of the line. A line longer than the terminal is wide wraps, and only its last row is
/// redrawn. Writes only to <paramref name="output"/>, so it is tested against a StringWriter. Not thread-safe: its
/// owner calls it under a lock.
/// </summary>
internal sealed class LineEditor(TextWriter output, string prompt = "> ")
{
    /// <summary>Back to the start of the row, and erase it.</summary>
    public const string EraseRow = "\r\u001b[2K";

    private readonly StringBuilder _buffer = new();

    public string Buffer => _buffer.ToString();

    /// <summary>Shown before the prompt, in brackets, until set to null (an upload's progress).</summary>
    public string? Status { get; set; }

    /// <summary>Draws the prompt and the line typed so far on the current row.</summary>
    public void Redraw()
    {
        output.Write(EraseRow);
        WritePrompt();
        output.Write(_buffer);
        output.Flush();
    }

    /// <summary>Prints <paramref name="text"/> where the input line was, then the input line below it.</summary>
    public void PrintAbove(string text)
    {
        output.Write(EraseRow);
        output.Write(text.ReplaceLineEndings("\n"));
        output.Write('\n');
        WritePrompt();
        output.Write(_buffer);
        output.Flush();
    }

    private void WritePrompt()
    {
        if (Status is { } status)
        {
            output.Write($"[{status}] ");
        }

        output.Write(prompt);
    }

    public LineEditorResult Key(ConsoleKeyInfo key)
    {
        var control = key.Modifiers.HasFlag(ConsoleModifiers.Control);
        if (key.Key == ConsoleKey.Enter || key.KeyChar is '\r' or '\n')
        {
            var line = _buffer.ToString();
            _buffer.Clear();
            // The typed line goes; the chat prints it back once the server has it.
            Redraw();
            return new LineEditorResult(LineEditorAction.Line, line);
        }

        if ((control && key.Key == ConsoleKey.C) || key.KeyChar == '\u0003')
        {
            if (_buffer.Length == 0)
            {
                return new LineEditorResult(LineEditorAction.Quit);
            }

            _buffer.Clear();
            Redraw();
            return default;
        }

        if ((control && key.Key == ConsoleKey.D) || key.KeyChar == '\u0004')
        {
            return _buffer.Length == 0 ? new LineEditorResult(LineEditorAction.Quit) : default;
        }

        if (key.Key == ConsoleKey.Backspace || key.KeyChar is '\b' or '\u007f')
        {
            if (_buffer.Length > 0)
            {
                // A surrogate pair is one character on screen.
                var cut = _buffer.Length >= 2 && char.IsLowSurrogate(_buffer[^1]) && char.IsHighSurrogate(_buffer[^2]) ? 2 : 1;
                _buffer.Length -= cut;
                output.Write("\b \b");
                output.Flush();
            }

            return default;
        }

        if (!char.IsControl(key.KeyChar) && key.KeyChar != '\0')
        {
            _buffer.Append(key.KeyChar);
            output.Write(key.KeyChar);
            output.Flush();
        }

        return default;
    }
}
