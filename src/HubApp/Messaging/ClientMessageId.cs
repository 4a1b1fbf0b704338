using System.Text.RegularExpressions;
using HubApp.Errors;

namespace HubApp.Messaging;

/// <summary>The idempotency key a client gives a message it may send again (docs/protocol.md, <c>PostMessage</c>).</summary>
internal static partial class ClientMessageId
{
    public const int MaxLength = 64;

    /// <summary>Null (no key) or 1–64 ASCII letters, digits, '_' or '-'; anything else is <c>invalid_message</c>.</summary>
    public static string? Validate(string? clientMessageId) =>
        clientMessageId is null || Pattern().IsMatch(clientMessageId) ? clientMessageId : throw ChatErrors.InvalidClientMessageId(MaxLength);

    // \z, not $: "$" would also match before a trailing newline.
    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
