using System.Diagnostics.Tracing;
using HubApp.Testing;
using HubApp.Tests.Telemetry;
using Microsoft.Diagnostics.NETCore.Client;

namespace HubApp.Tests.ScaleOut;

/// <summary>The live managed heap of a node process, read after a full collection the test makes it run.</summary>
internal static class NodeHeap
{
    // Enabling this keyword of the runtime's provider makes the runtime run a blocking gen2 collection at once: how
    // dotnet-gcdump gets a heap of live objects only, through the same diagnostics port.
    private const long GCHeapCollectKeyword = 0x800000;

    private const string Gen2Collections = "dotnet_gc_collections_total";

    /// <summary>
    /// Makes the node collect everything it can (a blocking gen2 collection), then returns the heap size that collection
    /// left (<c>dotnet.gc.last_collection.heap.size</c> over every generation, from <c>/metrics</c>): the bytes still
    /// reachable.
    /// </summary>
    public static async Task<long> LiveBytesAfterFullCollectionAsync(NodeProcess node)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TestTimeouts.Default };
        var before = (await MetricsScrape.GetAsync(http).DefaultTimeout()).Value(Gen2Collections, "gc_heap_generation=gen2");
        var client = new DiagnosticsClient(node.ProcessId);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GCHeapCollectKeyword)], requestRundown: false);
        // The session's events are not wanted, but its stream is read so that the runtime never waits on a full pipe.
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        try
        {
            var after = await MetricsScrape.WaitForAsync(http, s => s.Value(Gen2Collections, "gc_heap_generation=gen2") > before);
            if (after.Value(Gen2Collections, "gc_heap_generation=gen2") <= before)
            {
                throw new TimeoutException($"{node.Name} ran no full collection within {TestTimeouts.Default}.");
            }

            return (long)after.Value("dotnet_gc_last_collection_heap_size_bytes");
        }
        finally
        {
            await session.StopAsync(CancellationToken.None).DefaultTimeout();
            await drain.DefaultTimeout();
        }
    }
}
