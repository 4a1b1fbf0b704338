using System.Buffers.Text;
using System.Security.Cryptography;
using HubApp.Storage;

namespace HubApp.Push;

/// <summary>VAPID keys and subscription keys as base64url text: made, parsed and checked with the framework's P-256.</summary>
internal static class VapidKeyCodec
{
    public const int PublicKeyBytes = 65;
    public const int PrivateKeyBytes = 32;

    /// <summary>A new pair.</summary>
    public static VapidKeyPair Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return new VapidKeyPair(Base64Url.EncodeToString([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]), Base64Url.EncodeToString(parameters.D!));
    }

    /// <summary>The uncompressed P-256 point <paramref name="text"/> holds (base64url), or null when it holds none.</summary>
    public static ECPoint? ParsePoint(string? text)
    {
        if (Decode(text) is not { Length: PublicKeyBytes } bytes || bytes[0] != 0x04)
        {
            return null;
        }

        var point = new ECPoint { X = bytes[1..33], Y = bytes[33..] };
        try
        {
            // The import checks that the point is on the curve.
            using var key = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = point });
            return point;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Why <paramref name="pair"/> cannot sign (a one-line reason naming the keys), or null when it can.</summary>
    public static string? Check(VapidKeyPair pair)
    {
        if (ParsePoint(pair.PublicKey) is not { } point)
        {
            return $"Push:PublicKey is not a base64url uncompressed P-256 point ({PublicKeyBytes} bytes).";
        }

        if (Decode(pair.PrivateKey) is not { Length: PrivateKeyBytes } scalar)
        {
            return $"Push:PrivateKey is not a base64url P-256 private key ({PrivateKeyBytes} bytes).";
        }

        try
        {
            // Sign with the private half and verify with the public one: a pair that does not belong together fails here.
            using var signer = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar, Q = point });
            using var verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = point });
            byte[] probe = [1, 2, 3];
            return verifier.VerifyData(probe, signer.SignData(probe, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256)
                ? null
                : "Push:PrivateKey does not belong to Push:PublicKey.";
        }
        catch (CryptographicException)
        {
            return "Push:PrivateKey does not belong to Push:PublicKey.";
        }
    }

    public static byte[]? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 1024)
        {
            return null;
        }

        try
        {
            return Base64Url.DecodeFromChars(text.TrimEnd('='));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
