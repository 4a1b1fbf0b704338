using System.ComponentModel.DataAnnotations;

namespace HubApp.Storage;

/// <summary>
/// Files and images (contract v3, "Attachments"), section <c>Attachments</c>, bound and checked at start by
/// <c>AddChatAttachments</c>. Here, beside the store, because the store claims uploads for messages
/// (<see cref="MaxPerMessage"/>) and keeps their descriptions:
/// <code>
/// "Attachments": { "Provider": "filesystem", "Path": "data/attachments", "MaxBytes": 26214400, "MaxPerMessage": 10,
///                  "UnusedLifetime": "1.00:00:00", "MaxUnusedBytesPerUser": 262144000, "SweepInterval": null }
/// </code>
/// </summary>
public sealed class AttachmentsOptions
{
    public const string SectionName = "Attachments";

    /// <summary>Files under <see cref="Path"/> on this node's disk: the embedded default.</summary>
    public const string FileSystem = "filesystem";

    /// <summary>Files in the PostgreSQL store, in chunks: any node serves any file.</summary>
    public const string Postgres = "postgres";

    /// <summary><see cref="FileSystem"/> or <see cref="Postgres"/>.</summary>
    public string Provider { get; set; } = FileSystem;

    /// <summary>Where <see cref="FileSystem"/> keeps files (relative to the content root), and where uploads are staged.</summary>
    [Required]
    public string Path { get; set; } = "data/attachments";

    /// <summary>The largest file, in bytes. Default 25 MB.</summary>
    [Range(1, 1L << 32)]
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Attachments one message may carry. Default 10.</summary>
    [Range(1, 100)]
    public int MaxPerMessage { get; set; } = 10;

    /// <summary>How long an upload may wait for a message before it is deleted. Default 24 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00", ErrorMessage = "Attachments:UnusedLifetime must be between 00:00:01 and 365.00:00:00.")]
    public TimeSpan UnusedLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The bytes of one user's uploads that no message uses yet, across all nodes (the store counts them): an upload past
    /// it is <c>rate_limited</c>. Default 250 MB (ten of the largest files).
    /// </summary>
    [Range(1, 1L << 40)]
    public long MaxUnusedBytesPerUser { get; set; } = 250L * 1024 * 1024;

    /// <summary>
    /// How often the sweep runs (unused uploads, bytes whose upload is gone, what a crash left). Default: a tenth of
    /// <see cref="UnusedLifetime"/>, at most 10 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "Attachments:SweepInterval must be between 00:00:00.100 and 1.00:00:00.")]
    public TimeSpan? SweepInterval { get; set; }

    /// <summary><see cref="SweepInterval"/>, or its default.</summary>
    public TimeSpan EffectiveSweepInterval => SweepInterval ?? TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(10).Ticks, UnusedLifetime.Ticks / 10));
}
