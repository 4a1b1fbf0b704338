using System.ComponentModel.DataAnnotations;

namespace HubApp.History;

/// <summary>
/// How much history a client gets. Section <c>History</c>:
/// <code>
/// "History": { "JoinCount": 50, "MaxCatchUp": 500 }
/// </code>
/// The section's <c>MaxMessagesPerRoom</c>, how much the server keeps, is the store's (<c>Storage/RetentionOptions</c>).
/// </summary>
public sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>Messages in a <c>JoinRoom</c> snapshot when the client has none yet (sinceId null). Default 50.</summary>
    [Range(1, 10_000)]
    public int JoinCount { get; set; } = 50;

    /// <summary>Most messages one catch-up <c>JoinRoom</c> returns; the client asks again when it is not complete. Default 500.</summary>
    [Range(1, 100_000)]
    public int MaxCatchUp { get; set; } = 500;

    /// <summary>
    /// About the most bytes of messages in one <c>JoinRoom</c> snapshot (256 KB; <see cref="HistoryService.EncodedSize"/>):
    /// a catch-up page that reaches it stops there, not complete, and the client asks for the next. It bounds what one
    /// reply holds in memory while it waits for a client that does not read: 500 texts of 4000 emoji would be 8 MB.
    /// </summary>
    public const long MaxPageBytes = 256 * 1024;

    /// <summary>Most messages one <c>GetHistory</c> or <c>GetDirectHistory</c> call returns (fixed by the contract).</summary>
    public const int MaxHistoryPage = 200;

    /// <summary>A scroll-back page's size: the limit asked for, clamped to 1–<see cref="MaxHistoryPage"/> (never refused).</summary>
    public static int PageSize(int limit) => Math.Clamp(limit, 1, MaxHistoryPage);
}
