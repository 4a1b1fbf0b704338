using System.Buffers.Text;
using System.Security.Cryptography;

namespace HubApp.Storage;

/// <summary>An upload's id: 128 bits from <see cref="RandomNumberGenerator"/>, base64url without padding (22 characters).</summary>
public static class UploadId
{
    public const int Length = 22;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Whether <paramref name="id"/> has the shape of one (what a client sends is checked before any lookup).</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: Length } && id.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}
