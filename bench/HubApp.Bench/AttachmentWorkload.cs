using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace HubApp.Bench;

/// <summary>
/// Uploads and downloads of files over HTTP against a host: <c>count</c> files of each size uploaded one after the other
/// (MB/s), then downloaded (MB/s); and the host's managed heap during one upload of the largest size, read from its own
/// runtime metrics on <c>/metrics</c> (<c>dotnet_gc_heap_total_allocated_bytes_total</c>: bytes allocated;
/// <c>dotnet_gc_last_collection_heap_size_bytes</c>: the heap after the last collection), sampled while the upload runs,
/// with the process's resident set from /proc. An upload that buffered the file would allocate its size and more. The
/// exporter answers from a cache for a moment, so the samples before and after wait that out; those during the upload
/// are as fresh as the cache allows.
/// </summary>
internal sealed class AttachmentWorkload(BenchTarget target, IReadOnlyList<long> sizes, int count, TextWriter output)
{
    private const string Room = "bench-files";

    /// <summary>Longer than the Prometheus exporter keeps an answer (300 ms), so that the samples around the upload are fresh.</summary>
    private static readonly TimeSpan ScrapeCache = TimeSpan.FromSeconds(1);

    public async Task<AttachmentResult> RunAsync(CancellationToken cancellationToken)
    {
        var token = await target.TokenAsync("bench-uploader", cancellationToken);
        using var http = new HttpClient { BaseAddress = target.Server, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var rows = new List<AttachmentThroughput>();
        foreach (var size in sizes)
        {
            var file = WriteFile(size);
            try
            {
                var ids = new List<string>();
                var upload = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    ids.Add(await UploadAsync(http, file, cancellationToken));
                }

                upload.Stop();
                var download = Stopwatch.StartNew();
                foreach (var id in ids)
                {
                    await DownloadAsync(http, id, size, cancellationToken);
                }

                download.Stop();
                var row = new AttachmentThroughput(size, count, MegabytesPerSecond(size * count, upload.Elapsed), MegabytesPerSecond(size * count, download.Elapsed));
                output.WriteLine(row.Describe());
                rows.Add(row);
            }
            finally
            {
                File.Delete(file);
            }
        }

        return new AttachmentResult(rows, await MeasureHeapAsync(http, sizes.Max(), cancellationToken));
    }

    /// <summary>One upload of <paramref name="size"/> bytes, with the host's heap sampled every 20 ms while it runs.</summary>
    private async Task<HeapDuringUpload> MeasureHeapAsync(HttpClient http, long size, CancellationToken cancellationToken)
    {
        var file = WriteFile(size);
        try
        {
            using var metrics = new HttpClient { BaseAddress = target.Server, Timeout = TimeSpan.FromSeconds(30) };
            await Task.Delay(ScrapeCache, cancellationToken);
            var before = await RuntimeSampleAsync(metrics, cancellationToken);
            var peak = before;
            var upload = UploadAsync(http, file, cancellationToken);
            while (!upload.IsCompleted)
            {
                var sample = await RuntimeSampleAsync(metrics, cancellationToken);
                peak = peak with { HeapAfterGc = Math.Max(peak.HeapAfterGc, sample.HeapAfterGc), Rss = Math.Max(peak.Rss, sample.Rss) };
                await Task.WhenAny(upload, Task.Delay(20, cancellationToken));
            }

            await upload;
            await Task.Delay(ScrapeCache, cancellationToken);
            var after = await RuntimeSampleAsync(metrics, cancellationToken);
            peak = peak with { HeapAfterGc = Math.Max(peak.HeapAfterGc, after.HeapAfterGc), Rss = Math.Max(peak.Rss, after.Rss) };
            var result = new HeapDuringUpload(size, after.Allocated - before.Allocated, before.HeapAfterGc, after.HeapAfterGc, peak.HeapAfterGc, before.Rss, peak.Rss);
            output.WriteLine(result.Describe());
            return result;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<RuntimeSample> RuntimeSampleAsync(HttpClient metrics, CancellationToken cancellationToken)
    {
        var text = await metrics.GetStringAsync("/metrics", cancellationToken);
        long Sum(string name) => (long)text.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && (line.Length == name.Length || line[name.Length] is ' ' or '{'))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return new RuntimeSample(
            Sum("dotnet_gc_heap_total_allocated_bytes_total"),
            Sum("dotnet_gc_last_collection_heap_size_bytes"),
            target.Process?.RssBytes() ?? 0);
    }

    private static async Task<string> UploadAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        using var form = new MultipartFormDataContent();
        var part = new StreamContent(stream, 81_920);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", Path.GetFileName(path) + ".bin");
        using var response = await http.PostAsync($"/api/rooms/{Room}/attachments", form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Upload answered {(int)response.StatusCode}: {body}");
        }

        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task DownloadAsync(HttpClient http, string id, long size, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/attachments/{id}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[81_920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        if (total != size)
        {
            throw new InvalidOperationException($"Downloaded {total} bytes of {size}.");
        }
    }

    /// <summary>A file of random bytes (no image: nothing to decode, the bytes are stored as they came).</summary>
    private static string WriteFile(long size)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hubapp-bench-{Guid.NewGuid():N}");
        using var file = File.Create(path);
        var chunk = new byte[1024 * 1024];
        for (long written = 0; written < size; written += chunk.Length)
        {
            Random.Shared.NextBytes(chunk);
            // The first byte kept off every signature the host sniffs for.
            chunk[0] = 0;
            file.Write(chunk, 0, (int)Math.Min(chunk.Length, size - written));
        }

        return path;
    }

    private static double MegabytesPerSecond(long bytes, TimeSpan elapsed) => bytes / (1024.0 * 1024.0) / elapsed.TotalSeconds;

    private sealed record RuntimeSample(long Allocated, long HeapAfterGc, long Rss);
}

/// <summary>Uploads and downloads of <see cref="Count"/> files of <see cref="Size"/> bytes, one at a time.</summary>
internal sealed record AttachmentThroughput(long Size, int Count, double UploadMegabytesPerSecond, double DownloadMegabytesPerSecond)
{
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Count} × {Size / (1024.0 * 1024.0):0.#} MB: upload {UploadMegabytesPerSecond:0.0} MB/s, download {DownloadMegabytesPerSecond:0.0} MB/s");
}

/// <summary>The host's managed heap and resident set during one upload of <see cref="Size"/> bytes.</summary>
internal sealed record HeapDuringUpload(long Size, long Allocated, long HeapBefore, long HeapAfter, long HeapPeak, long RssBefore, long RssPeak)
{
    private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"One {Mb(Size):0.#} MB upload: {Mb(Allocated):0.0} MB allocated on the managed heap; heap after GC {Mb(HeapBefore):0.0} → {Mb(HeapAfter):0.0} MB (peak {Mb(HeapPeak):0.0} MB); RSS {Mb(RssBefore):0.0} → peak {Mb(RssPeak):0.0} MB");
}

internal sealed record AttachmentResult(IReadOnlyList<AttachmentThroughput> Throughput, HeapDuringUpload Heap);
