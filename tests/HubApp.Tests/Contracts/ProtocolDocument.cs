using System.Text.RegularExpressions;
using HubApp.Testing;

namespace HubApp.Tests.Contracts;

/// <summary>
/// docs/protocol.md read the simple way its tests rely on: a section is a <c>## Title</c> up to the next <c>## </c>; a
/// subsection a <c>### Title</c> inside one; a table's rows are its lines that start with <c>|</c>, less the header and
/// the <c>| --- |</c> line; cells are split on unescaped pipes (<c>\|</c> is a pipe inside a cell, as GitHub reads it).
/// </summary>
internal sealed partial class ProtocolDocument(string text)
{
    public static string FilePath { get; } = Path.Combine(RepositoryRoot.Path, "docs", "protocol.md");

    public string Text { get; } = text;

    public static ProtocolDocument Load() => new(File.ReadAllText(FilePath));

    /// <summary>The lines of section <paramref name="title"/> (exactly one such heading).</summary>
    public IReadOnlyList<string> Section(string title) => Block(Lines(Text), "## ", title);

    /// <summary>The <c>### </c> subsections of section <paramref name="title"/>, by their titles, in order.</summary>
    public IReadOnlyList<(string Title, IReadOnlyList<string> Lines)> Subsections(string title)
    {
        var lines = Section(title);
        return [.. lines.Where(l => l.StartsWith("### ", StringComparison.Ordinal)).Select(l => l[4..].Trim()).Select(t => (t, Block(lines, "### ", t)))];
    }

    /// <summary>The rows of the tables in <paramref name="lines"/>, each as its cells, trimmed and unescaped.</summary>
    public static IReadOnlyList<string[]> Rows(IReadOnlyList<string> lines)
    {
        var rows = new List<string[]>();
        var header = true;
        foreach (var line in lines)
        {
            if (!line.StartsWith('|'))
            {
                header = true;
                continue;
            }

            var cells = CellSeparator().Split(line.Trim().Trim('|')).Select(c => c.Trim().Replace("\\|", "|", StringComparison.Ordinal)).ToArray();
            if (header || cells.All(c => c.Trim('-', ':').Length == 0))
            {
                header = false;
                continue;
            }

            rows.Add(cells);
        }

        return rows;
    }

    /// <summary>The code spans of a cell, in order (<c>`JoinRoom`</c> gives <c>JoinRoom</c>).</summary>
    public static IReadOnlyList<string> Code(string cell) => [.. CodeSpan().Matches(cell).Select(m => m.Groups[1].Value)];

    /// <summary>The cell's one code span; fails the test when there is none or more than one.</summary>
    public static string SingleCode(string cell) =>
        Code(cell) is [var only] ? only : throw new Xunit.Sdk.XunitException($"Expected one `code` span in the cell '{cell}'.");

    private static string[] Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    private static IReadOnlyList<string> Block(IReadOnlyList<string> lines, string level, string title)
    {
        var starts = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith(level, StringComparison.Ordinal) && x.l[level.Length..].Trim() == title).ToArray();
        if (starts.Length != 1)
        {
            throw new Xunit.Sdk.XunitException($"Expected one heading '{level}{title}' in docs/protocol.md, found {starts.Length}.");
        }

        // A block ends at the next heading of its level or above (for "### ", also "## ").
        var end = lines.Skip(starts[0].i + 1).Select((l, i) => (l, i: i + starts[0].i + 1))
            .FirstOrDefault(x => x.l.StartsWith("## ", StringComparison.Ordinal) || (level == "### " && x.l.StartsWith("### ", StringComparison.Ordinal)) || x.l.StartsWith("# ", StringComparison.Ordinal));
        var stop = end.l is null ? lines.Count : end.i;
        return [.. lines.Skip(starts[0].i + 1).Take(stop - starts[0].i - 1)];
    }

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSeparator();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
