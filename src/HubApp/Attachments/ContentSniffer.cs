namespace HubApp.Attachments;

/// <summary>
/// What a file is, from its first bytes (magic numbers), never from its name or the client's word. Only PNG, JPEG, GIF
/// and WebP are images; PDF and ZIP are told by their signatures; everything else, SVG and HTML included, is
/// <c>application/octet-stream</c>: it is never served as something a browser would run or render.
/// </summary>
internal static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeaderLength = 16;

    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string WebP = "image/webp";
    public const string Pdf = "application/pdf";
    public const string Zip = "application/zip";
    public const string Binary = "application/octet-stream";

    public static string Sniff(ReadOnlySpan<byte> header) => header switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png,
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => Gif,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => WebP,
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => Pdf,
        [(byte)'P', (byte)'K', 0x03, 0x04, ..] => Zip,
        _ => Binary,
    };

    /// <summary>The type of the file at <paramref name="path"/>.</summary>
    public static async Task<string> SniffAsync(string path, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderLength];
        await using var file = File.OpenRead(path);
        var length = await file.ReadAtLeastAsync(header, HeaderLength, throwOnEndOfStream: false, cancellationToken);
        return Sniff(header.AsSpan(0, length));
    }
}
