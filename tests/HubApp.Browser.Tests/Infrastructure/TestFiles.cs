using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace HubApp.Browser.Tests.Infrastructure;

/// <summary>Small real files for upload tests: a PNG of one colour, a PDF of a few bytes.</summary>
public static class TestFiles
{
    /// <summary>A valid PNG, <paramref name="width"/> × <paramref name="height"/>, every pixel the RGB colour given.</summary>
    public static byte[] Png(int width, int height, byte red, byte green, byte blue)
    {
        var rows = new MemoryStream();
        using (var zlib = new ZLibStream(rows, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[1 + (3 * width)]; // Filter byte 0 (none), then RGB.
            for (var x = 0; x < width; x++)
            {
                row[1 + (3 * x)] = red;
                row[2 + (3 * x)] = green;
                row[3 + (3 * x)] = blue;
            }

            for (var y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // Bits per channel.
        header[9] = 2; // Truecolour.
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", rows.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>What the server recognises as a PDF by its first bytes.</summary>
    public static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.4\n% a test file\n%%EOF\n");

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
