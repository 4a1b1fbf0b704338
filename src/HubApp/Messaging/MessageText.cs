using HubApp.Hubs;

namespace HubApp.Messaging;

internal static class MessageText
{
    /// <summary>Throws the contract's error for text that is empty, white space or too long.</summary>
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

        return text;
    }
}
