using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace HubApp.Tests.Attachments;

/// <summary>Files made for the tests: real images, an image carrying EXIF location, and a decompression bomb's header.</summary>
internal static class TestImages
{
    public static byte[] Png(int width, int height) => Encode(width, height, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int width, int height) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    /// <summary>
    /// A JPEG with an APP1 "Exif" segment holding a GPS block, spliced in after the SOI marker by hand (SkiaSharp writes
    /// no EXIF). The GPS latitude reference and a marker text make any copy of it easy to find in stored bytes.
    /// </summary>
    public static byte[] JpegWithExifLocation(int width, int height)
    {
        var jpeg = Jpeg(width, height);
        // TIFF header (little endian), IFD0 with one entry: the GPS IFD pointer; the GPS IFD with GPSLatitudeRef = "N" and
        // GPSLatitude; then a text that would leak if copied.
        var tiff = new List<byte>();
        tiff.AddRange("II"u8.ToArray());
        tiff.AddRange(Le16(42));
        tiff.AddRange(Le32(8));
        tiff.AddRange(Le16(1));
        tiff.AddRange(Le16(0x8825)); // GPSInfo
        tiff.AddRange(Le16(4));
        tiff.AddRange(Le32(1));
        tiff.AddRange(Le32(26));
        tiff.AddRange(Le32(0));
        // GPS IFD at 26: two entries.
        tiff.AddRange(Le16(2));
        tiff.AddRange(Le16(1)); // GPSLatitudeRef
        tiff.AddRange(Le16(2)); // ASCII
        tiff.AddRange(Le32(2));
        tiff.AddRange("N\0\0\0"u8.ToArray());
        tiff.AddRange(Le16(2)); // GPSLatitude
        tiff.AddRange(Le16(5)); // RATIONAL
        tiff.AddRange(Le32(3));
        tiff.AddRange(Le32(56));
        tiff.AddRange(Le32(0));
        // At 56: 48/1, 51/1, 24/1 (degrees, minutes, seconds).
        foreach (var value in new[] { 48, 51, 24 })
        {
            tiff.AddRange(Le32(value));
            tiff.AddRange(Le32(1));
        }

        tiff.AddRange(Encoding.ASCII.GetBytes(SecretLocation));
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new List<byte> { 0xFF, 0xE1 };
        segment.AddRange(Be16(payload.Length + 2));
        segment.AddRange(payload);
        return [.. jpeg.Take(2), .. segment, .. jpeg.Skip(2)];
    }

    /// <summary>Text inside <see cref="JpegWithExifLocation"/>'s EXIF block.</summary>
    public const string SecretLocation = "GPS 48.8566N 2.3522E home";

    /// <summary>A well-formed PNG whose header claims <paramref name="width"/> × <paramref name="height"/> pixels, with almost no data.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        var png = new List<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        png.AddRange(Chunk("IHDR", ihdr));
        // A zlib stream of a few zero bytes: far from the pixels claimed.
        png.AddRange(Chunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]));
        png.AddRange(Chunk("IEND", []));
        return [.. png];
    }

    public static (int Width, int Height) SizeOf(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image)) ?? throw new InvalidOperationException("Not an image.");
        return (codec.Info.Width, codec.Info.Height);
    }

    public static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
            using var paint = new SKPaint { Color = SKColors.Orange };
            canvas.DrawRect(0, 0, width / 2f, height / 2f, paint);
        }

        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        return [.. Be32(data.Length), .. typed, .. Be32((int)Crc32(typed))];
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] Le16(int value) => [(byte)value, (byte)(value >> 8)];

    private static byte[] Le32(int value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)];

    private static byte[] Be16(int value) => [(byte)(value >> 8), (byte)value];

    private static byte[] Be32(int value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
