using System.Globalization;
using System.Text;

namespace HubApp.Storage;

/// <summary>
/// The words of a search, as both engines' indexes cut texts: a word is a run of letters (Unicode L*) and decimal digits
/// (Nd); everything else (punctuation, symbols, emoji, marks, spaces, NUL) only separates words. Case is left to the
/// engines, which fold it the same way on both sides of a match. A message matches when it holds every word, the last
/// also as the start of a longer one. The user's text never reaches an engine as query syntax: only these words do.
/// </summary>
public sealed record SearchWords
{
    private SearchWords(IReadOnlyList<string> words) => Words = words;

    /// <summary>At least one word, in the order written.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The words of <paramref name="query"/>; null when it has none.</summary>
    public static SearchWords? Parse(string? query)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in (query ?? string.Empty).EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                word.Append(rune.ToString());
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words.Count == 0 ? null : new SearchWords(words);
    }

    /// <summary>The words, space-separated.</summary>
    public override string ToString() => string.Join(' ', Words);

    private static bool IsWordRune(Rune rune) =>
        Rune.IsLetter(rune) || Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber;
}
