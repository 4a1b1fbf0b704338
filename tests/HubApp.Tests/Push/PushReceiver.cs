using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HubApp.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubApp.Tests.Push;

/// <summary>
/// A push service for tests: Kestrel on 127.0.0.1, taking <c>POST /push/{name}</c> as a push service takes a push, and
/// answering 201 (or the status set for that name). Each subscription is a real browser's key pair
/// (<see cref="PushSubscriber"/>), so a received push is decrypted here, by the test's own RFC 8291 code.
/// </summary>
internal sealed class PushReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);

    private PushReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public Inbox<ReceivedPush> Received { get; } = new();

    public static async Task<PushReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new PushReceiver(app);
        app.MapPost("/push/{name}", async (string name, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            await receiver.Received.Add(new ReceivedPush(
                name,
                request.Headers.Authorization.ToString(),
                request.Headers["TTL"].ToString(),
                request.Headers["Urgency"].ToString(),
                request.Headers.ContentEncoding.ToString(),
                body.ToArray()));
            if (receiver._holds.TryGetValue(name, out var hold))
            {
                await hold.Task.WaitAsync(TestTimeouts.Default);
            }

            return Results.StatusCode(receiver._statuses.GetValueOrDefault(name, StatusCodes.Status201Created));
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        receiver.BaseAddress = new Uri(addresses.Addresses.First());
        return receiver;
    }

    /// <summary>The settings that let a host push here: this host allowed, over http.</summary>
    public static Dictionary<string, string?> HostSettings(int maxConcurrentSends = 1) => new()
    {
        ["Push:AllowedEndpointHosts:0"] = "127.0.0.1",
        ["Push:AllowHttpEndpoints"] = "true",
        ["Push:MaxConcurrentSends"] = maxConcurrentSends.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public string EndpointOf(string name) => new Uri(BaseAddress, "/push/" + name).ToString();

    /// <summary>What this receiver answers to pushes for <paramref name="name"/> from now on.</summary>
    public void Answer(string name, int status) => _statuses[name] = status;

    /// <summary>Pushes for <paramref name="name"/> are received but not answered until the returned source is completed.</summary>
    public TaskCompletionSource Hold(string name) =>
        _holds.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        foreach (var hold in _holds.Values)
        {
            hold.TrySetResult();
        }

        await _app.DisposeAsync();
    }
}

internal sealed record ReceivedPush(string Name, string Authorization, string Ttl, string Urgency, string ContentEncoding, byte[] Body);

/// <summary>What a browser holds for one subscription: a P-256 key pair and 16 random auth bytes.</summary>
internal sealed class PushSubscriber : IDisposable
{
    private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] _auth = RandomNumberGenerator.GetBytes(16);

    public PushSubscriber(string endpoint) => Endpoint = endpoint;

    public string Endpoint { get; }

    public byte[] PublicKey
    {
        get
        {
            var q = _key.ExportParameters(false).Q;
            return [0x04, .. q.X!, .. q.Y!];
        }
    }

    /// <summary>The browser's <c>PushSubscription.toJSON()</c>.</summary>
    public object Json => new { endpoint = Endpoint, keys = new { p256dh = Base64Url.EncodeToString(PublicKey), auth = Base64Url.EncodeToString(_auth) } };

    /// <summary>RFC 8291 §3.4 and RFC 8188: the payload of one aes128gcm record, as a user agent decrypts it.</summary>
    public JsonElement Decrypt(byte[] body)
    {
        var salt = body[..16];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        var keyIdLength = body[20];
        var serverPublic = body[21..(21 + keyIdLength)];
        var ciphertext = body[(21 + keyIdLength)..];
        Assert.Equal(65, keyIdLength);
        Assert.True(ciphertext.Length <= recordSize, "one record");

        using var server = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = serverPublic[1..33], Y = serverPublic[33..] },
        });
        var sharedSecret = _key.DeriveRawSecretAgreement(server.PublicKey);
        byte[] keyInfo = [.. "WebPush: info\0"u8, .. PublicKey, .. serverPublic];
        var ikm = HKDF.Expand(HashAlgorithmName.SHA256, HKDF.Extract(HashAlgorithmName.SHA256, sharedSecret, _auth), 32, keyInfo);
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
        var cek = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, "Content-Encoding: nonce\0"u8.ToArray());

        var plaintext = new byte[ciphertext.Length - 16];
        using (var aes = new AesGcm(cek, 16))
        {
            aes.Decrypt(nonce, ciphertext[..^16], ciphertext[^16..], plaintext);
        }

        // The last record's padding: a 2 delimiter, then zeros.
        var end = Array.FindLastIndex(plaintext, b => b != 0);
        Assert.Equal(2, plaintext[end]);
        return JsonDocument.Parse(plaintext.AsMemory(0, end)).RootElement.Clone();
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>RFC 8292: <c>Authorization: vapid t=JWT, k=public key</c>, the JWT signed ES256 with that key.</summary>
internal static class VapidCheck
{
    /// <summary>The JWT's claims once its signature is verified with <paramref name="publicKey"/> (and the header's k is that key).</summary>
    public static JsonElement VerifiedClaims(string authorization, string publicKey)
    {
        Assert.StartsWith("vapid ", authorization, StringComparison.Ordinal);
        var parameters = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.Equal(publicKey, parameters["k"]);
        var parts = parameters["t"].Split('.');
        Assert.Equal(3, parts.Length);

        var key = Base64Url.DecodeFromChars(publicKey);
        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = key[1..33], Y = key[33..] },
        });
        Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256), "ES256 signature");
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        return JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone();
    }
}
