using System.Text.Json;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Push;

/// <summary>
/// The one VAPID key pair this node signs with: the configured one (<c>Push:PublicKey</c>, <c>Push:PrivateKey</c>);
/// else, on a shared PostgreSQL store, the pair stored there, made by the first node that asked (subscriptions are made
/// with one key, so every node must sign with it); else, on one node, a pair made once and kept in
/// <see cref="FileName"/> beside the SQLite file (mode 0600, written to a temporary name and renamed).
/// </summary>
internal sealed class VapidKeys(
    IOptions<PushOptions> options,
    IOptions<StorageOptions> storage,
    IPushSubscriptionStore store,
    IHostEnvironment environment)
{
    public const string FileName = "push-vapid-keys.json";

    private readonly Lock _lock = new();
    private Task<VapidKeyPair>? _pair;

    /// <summary>The pair, loaded or made on first use and kept; a failed attempt is tried again on the next use.</summary>
    public Task<VapidKeyPair> GetAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_pair is null || _pair.IsFaulted || _pair.IsCanceled)
            {
                _pair = LoadAsync(cancellationToken);
            }

            return _pair;
        }
    }

    /// <summary>Where the embedded default keeps its pair: beside the SQLite file, or under the content root's data/.</summary>
    public string KeyFile =>
        Path.Combine(
            SqlitePath.DatabaseFile(storage.Value.SqliteConnectionString) is { } database
                ? Path.GetDirectoryName(database)!
                : Path.Combine(environment.ContentRootPath, "data"),
            FileName);

    private async Task<VapidKeyPair> LoadAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!string.IsNullOrEmpty(settings.PublicKey) && !string.IsNullOrEmpty(settings.PrivateKey))
        {
            return new VapidKeyPair(settings.PublicKey, settings.PrivateKey);
        }

        return storage.Value.Provider == StorageOptions.Postgres
            ? await store.GetOrAddVapidKeysAsync(VapidKeyCodec.Generate(), cancellationToken)
            : await LoadOrCreateFileAsync(KeyFile, cancellationToken);
    }

    private static async Task<VapidKeyPair> LoadOrCreateFileAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            return await ReadAsync(path, cancellationToken);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var pair = VapidKeyCodec.Generate();
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Readable by the host's user alone from its first byte, not chmod-ed after.
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using (var file = new FileStream(temporary, create))
            {
                await JsonSerializer.SerializeAsync(file, new KeyFileContent(pair.PublicKey, pair.PrivateKey), cancellationToken: cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
            return pair;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another start made it first: its pair is the one.
            return await ReadAsync(path, cancellationToken);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static async Task<VapidKeyPair> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var content = await JsonSerializer.DeserializeAsync<KeyFileContent>(file, cancellationToken: cancellationToken);
        var pair = content is { PublicKey: { } publicKey, PrivateKey: { } privateKey } ? new VapidKeyPair(publicKey, privateKey) : null;
        if (pair is null || VapidKeyCodec.Check(pair) is not null)
        {
            throw new InvalidOperationException($"The VAPID key file {path} does not hold a key pair; remove it to make a new one (subscriptions made with the old key stop working).");
        }

        return pair;
    }

    private sealed record KeyFileContent(string? PublicKey, string? PrivateKey);
}
