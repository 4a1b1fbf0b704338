using System.ComponentModel.DataAnnotations;

namespace HubApp.Storage;

/// <summary>
/// How much history the store keeps: the retention key of section <c>History</c> (whose other keys, what a client gets,
/// are <c>HistoryOptions</c>'), bound by <c>AddChatStorage</c>:
/// <code>
/// "History": { "MaxMessagesPerRoom": 10000 }
/// </code>
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "History";

    /// <summary>Messages kept per room, and per direct conversation; older ones are pruned (<see cref="HistoryPruning"/>). Default 10000.</summary>
    [Range(1, 100_000_000)]
    public int MaxMessagesPerRoom { get; set; } = 10_000;
}
