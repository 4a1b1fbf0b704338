using System.Text;
using HubApp.Errors;

namespace HubApp.Messaging;

internal static class MessageText
{
    /// <summary>
    /// Throws the contract's error for text that is empty, white space or too long, and returns the text as
    /// it will be stored: lone UTF-16 surrogates, which no store can keep as UTF-8, become U+FFFD, so what
    /// the sender is told was stored is exactly what history returns.
    /// </summary>
    public static string Validate(string? text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ChatErrors.InvalidMessage();
        }

        if (text.Length > maxLength)
        {
            throw ChatErrors.MessageTooLong(maxLength);
        }

        return IsWellFormed(text) ? text : ReplaceLoneSurrogates(text);
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[++i]);
            }
            else
            {
                result.Append(char.IsSurrogate(c) ? '\ufffd' : c);
            }
        }

        return result.ToString();
    }
}
