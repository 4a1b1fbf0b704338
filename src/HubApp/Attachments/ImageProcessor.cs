using HubApp.Errors;
using SkiaSharp;

namespace HubApp.Attachments;

/// <summary>
/// Images as they are stored: decoded by SkiaSharp only once their header says they are within the pixel bounds (a
/// decompression bomb, a small file claiming 50,000 × 50,000 pixels, is refused without decoding), turned upright by their
/// EXIF orientation, then re-encoded from the pixels alone, so that no metadata (EXIF with its location, XMP, comments,
/// embedded colour profiles) survives: PNG as PNG, JPEG as JPEG, WebP as WebP; a GIF is flattened to its first frame as a
/// PNG (SkiaSharp writes no GIF, and an animation's extension blocks may carry metadata too). Plus a thumbnail at most
/// <see cref="ThumbnailSide"/> px on its longer side: JPEG for JPEG, PNG otherwise (transparency kept).
/// </summary>
/// <remarks>At most <see cref="Concurrency"/> images are decoded at once: each can take up to 160 MB of pixels.</remarks>
internal sealed class ImageProcessor : IDisposable
{
    /// <summary>The most pixels an image may have (40 megapixels).</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>The longest side an image may have.</summary>
    public const int MaxSide = 16_384;

    public const int ThumbnailSide = 320;

    private const int Concurrency = 2;
    private const int Quality = 90;

    private readonly SemaphoreSlim _gate = new(Concurrency, Concurrency);

    /// <summary>
    /// Re-encodes the image at <paramref name="source"/> into <paramref name="target"/> and its thumbnail into
    /// <paramref name="thumbnail"/>; answers the stored type and size. <c>invalid_attachment</c> for an image over the bounds
    /// or one that cannot be decoded.
    /// </summary>
    public async Task<ProcessedImage> ProcessAsync(string source, string sniffedType, string target, string thumbnail, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return Process(source, sniffedType, target, thumbnail);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static ProcessedImage Process(string source, string sniffedType, string target, string thumbnail)
    {
        using var codec = SKCodec.Create(source) ?? throw ChatErrors.InvalidAttachment("the image cannot be read.");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width < 1 || height < 1 || width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
        {
            throw ChatErrors.InvalidAttachment($"an image is at most {MaxSide} px a side and {MaxPixels / 1_000_000} megapixels.");
        }

        // Decoded into plain sRGB pixels: the source's colour profile is not carried over (nor written out).
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var decoded = new SKBitmap(info);
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw ChatErrors.InvalidAttachment("the image cannot be decoded.");
        }

        using var upright = Orient(decoded, codec.EncodedOrigin);
        var (format, type) = sniffedType switch
        {
            ContentSniffer.Jpeg => (SKEncodedImageFormat.Jpeg, ContentSniffer.Jpeg),
            ContentSniffer.WebP => (SKEncodedImageFormat.Webp, ContentSniffer.WebP),
            _ => (SKEncodedImageFormat.Png, ContentSniffer.Png),
        };
        Encode(upright, format, target);

        var scale = Math.Min(1.0, (double)ThumbnailSide / Math.Max(upright.Width, upright.Height));
        var size = new SKImageInfo(Math.Max(1, (int)Math.Round(upright.Width * scale)), Math.Max(1, (int)Math.Round(upright.Height * scale)), SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var small = upright.Resize(size, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw ChatErrors.InvalidAttachment("the image cannot be scaled.");
        Encode(small, ThumbnailFormat(type), thumbnail);
        return new ProcessedImage(type, upright.Width, upright.Height);
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>The type of the thumbnail of an image stored as <paramref name="contentType"/>.</summary>
    public static string ThumbnailType(string contentType) => contentType == ContentSniffer.Jpeg ? ContentSniffer.Jpeg : ContentSniffer.Png;

    private static SKEncodedImageFormat ThumbnailFormat(string contentType) =>
        contentType == ContentSniffer.Jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png;

    private static void Encode(SKBitmap bitmap, SKEncodedImageFormat format, string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        if (!bitmap.Encode(file, format, Quality))
        {
            throw new InvalidOperationException($"SkiaSharp could not encode a {bitmap.Width}×{bitmap.Height} image as {format}.");
        }
    }

    /// <summary>The pixels as they are meant to be seen (EXIF orientation), since the re-encoded file carries no orientation of its own.</summary>
    private static SKBitmap Orient(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (w, h) = swap ? (bitmap.Height, bitmap.Width) : (bitmap.Width, bitmap.Height);
        var oriented = new SKBitmap(new SKImageInfo(w, h, bitmap.ColorType, bitmap.AlphaType, bitmap.ColorSpace));
        using var canvas = new SKCanvas(oriented);
        var (bw, bh) = ((float)bitmap.Width, (float)bitmap.Height);
        var matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, bw, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, bw, 0, -1, bh, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, bh, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, bh, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, bh, -1, 0, bw, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, bw, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        canvas.SetMatrix(matrix);
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        canvas.Flush();
        return oriented;
    }
}

/// <summary>An image as stored: its type (a GIF becomes a PNG) and size in pixels, upright.</summary>
internal sealed record ProcessedImage(string ContentType, int Width, int Height);
