using HubApp.Cli.Chat;

namespace HubApp.Tests.Cli;

/// <summary>The terminal chat's line editor, against a StringWriter and a small model of what a terminal shows.</summary>
public sealed class LineEditorTests : IDisposable
{
    private readonly StringWriter _output = new();
    private readonly LineEditor _editor;

    public LineEditorTests()
    {
        _editor = new LineEditor(_output);
        _editor.Redraw();
    }

    public void Dispose() => _output.Dispose();

    [Fact]
    public void ALinePrintedWhileTypingAppearsAboveTheInputLineWhichIsDrawnAgainIntact()
    {
        Type("hel");

        _editor.PrintAbove("[general] Bob: hi");
        _editor.PrintAbove("… Carol is typing in general");
        Type("lo");

        Assert.Equal(["[general] Bob: hi", "… Carol is typing in general", "> hello"], Screen());
        Assert.Equal("hello", _editor.Buffer);
        Assert.EndsWith(LineEditor.EraseRow + "… Carol is typing in general\n> hel" + "lo", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheStatusIsDrawnBeforeThePromptOnTheInputLineUntilCleared()
    {
        Type("hel");

        _editor.Status = "↑ a.pdf: 1 MB of 2 MB (50%)";
        _editor.Redraw();
        _editor.PrintAbove("[general] Bob: hi");
        Assert.Equal(["[general] Bob: hi", "[↑ a.pdf: 1 MB of 2 MB (50%)] > hel"], Screen());
        _editor.Status = null;
        _editor.Redraw();

        Assert.Equal(["[general] Bob: hi", "> hel"], Screen());
    }

    [Fact]
    public void EnterReturnsTheLineAndLeavesAnEmptyPrompt()
    {
        Type("hi there");

        var result = _editor.Key(Key('\r', ConsoleKey.Enter));

        Assert.Equal(new LineEditorResult(LineEditorAction.Line, "hi there"), result);
        Assert.Equal(string.Empty, _editor.Buffer);
        Assert.Equal([">"], Screen());
    }

    [Fact]
    public void BackspaceRemovesOneCharacterOnScreenASurrogatePairIncluded()
    {
        Type("ab\U0001F600");

        _editor.Key(Key('\b', ConsoleKey.Backspace));
        _editor.Key(Key('\b', ConsoleKey.Backspace));
        _editor.PrintAbove("x");

        Assert.Equal("a", _editor.Buffer);
        Assert.Equal(["x", "> a"], Screen());
    }

    [Fact]
    public void CtrlCClearsATypedLineAndQuitsOnAnEmptyOneAndCtrlDQuitsOnlyOnAnEmptyOne()
    {
        Type("draft");

        Assert.Equal(default, _editor.Key(Control(ConsoleKey.C)));
        Assert.Equal(string.Empty, _editor.Buffer);
        Type("x");
        Assert.Equal(default, _editor.Key(Control(ConsoleKey.D)));
        _editor.Key(Key('\b', ConsoleKey.Backspace));
        Assert.Equal(LineEditorAction.Quit, _editor.Key(Control(ConsoleKey.D)).Action);
        Assert.Equal(LineEditorAction.Quit, _editor.Key(Control(ConsoleKey.C)).Action);
    }

    private void Type(string text)
    {
        foreach (var c in text)
        {
            Assert.Equal(default, _editor.Key(Key(c, ConsoleKey.NoName)));
        }
    }

    private static ConsoleKeyInfo Key(char c, ConsoleKey key) => new(c, key, shift: false, alt: false, control: false);

    private static ConsoleKeyInfo Control(ConsoleKey key) => new((char)(key - ConsoleKey.A + 1), key, shift: false, alt: false, control: true);

    // What a terminal shows for the output: rows without trailing blanks, with carriage return, "erase row" and
    // backspace applied (a surrogate pair is one cell, as on screen).
    private List<string> Screen()
    {
        var rows = new List<List<string>> { new() };
        var column = 0;
        var text = _output.ToString().Replace(LineEditor.EraseRow, "\u0001", StringComparison.Ordinal);
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var cell = (string)elements.Current;
            var row = rows[^1];
            switch (cell)
            {
                case "\u0001":
                    row.Clear();
                    column = 0;
                    break;
                case "\n":
                    rows.Add([]);
                    column = 0;
                    break;
                case "\b":
                    column = Math.Max(0, column - 1);
                    break;
                default:
                    if (column < row.Count)
                    {
                        row[column] = cell;
                    }
                    else
                    {
                        row.Add(cell);
                    }

                    column++;
                    break;
            }
        }

        return [.. rows.Select(r => string.Concat(r).TrimEnd())];
    }
}
