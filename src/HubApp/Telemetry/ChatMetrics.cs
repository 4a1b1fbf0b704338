using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Reflection;
using HubApp.Contracts;
using HubApp.Presence;

namespace HubApp.Telemetry;

/// <summary>
/// HubApp's own meter, <c>HubApp</c>: the instruments of docs/operations.md ("HubApp's metrics"). The Prometheus exporter
/// turns dots into underscores, appends the unit (<c>s</c> → <c>_seconds</c>; units in braces are dropped) and
/// <c>_total</c> to counters, so <c>hubapp.messages.stored</c> is scraped as <c>hubapp_messages_stored_total</c>.
/// What each one counts, and the alerts to set on them: docs/operations.md.
/// </summary>
/// <remarks>
/// Called concurrently from every connection, the writer loop and the backplane loop. Recording is lock-free
/// and allocation-free (an interlocked add, or the SDK's atomic histogram aggregators); callers record after
/// their work, never under a lock of their own. The observable instruments are read only when a reader
/// collects (a scrape, an OTLP export). The histograms appear once they have a first observation.
/// </remarks>
internal sealed class ChatMetrics
{
    public const string MeterName = "HubApp";

    /// <summary>Tag value for a code that is not one of the contract's (so a stray message cannot add label values).</summary>
    public const string OtherCode = "other";

    // The contract's codes, then "other": a refusal's slot in _refusals.
    private static readonly string[] Codes = [.. typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal), OtherCode];

    private static readonly FrozenDictionary<string, int> CodeSlots =
        Codes.Select((code, slot) => KeyValuePair.Create(code, slot)).ToFrozenDictionary(StringComparer.Ordinal);

    // The room log's entry kinds (MessageKinds), a slot each in _messagesStored.
    private static readonly string[] Kinds = [MessageKinds.Message, MessageKinds.Edit, MessageKinds.Delete];

    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly int[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    // The counters are observable: the hot path adds to a field (Interlocked), a collection reads the fields. So
    // every counter is exported from the start, at 0, every refusal code included (alerts need a series to
    // compare with), which a Counter<T> could only do by recording before the SDK is listening.
    private readonly long[] _messagesStored = new long[Kinds.Length];
    private long _directMessagesStored;
    private long _deliveries;
    private readonly long[] _refusals = new long[Codes.Length];
    private long _catchUpMessages;
    private long _gapRepairs;
    private long _slowConsumersClosed;
    private long _attachmentBytesStored;
    private Func<long> _attachmentsStored = static () => 0;

    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _backplaneLag;

    // Connections a send to which timed out, until they close; rarely more than a few entries.
    private readonly ConcurrentDictionary<string, byte> _sendTimedOut = new(StringComparer.Ordinal);

    public ChatMetrics(IMeterFactory meters, PresenceTracker presence)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("hubapp.messages.stored", ObserveMessagesStored,
            "{entry}", "Room log entries committed to the store, by kind.");
        meter.CreateObservableCounter("hubapp.direct_messages.stored", () => Volatile.Read(ref _directMessagesStored),
            "{message}", "Direct messages committed to the store.");
        _commitDuration = meter.CreateHistogram("hubapp.store.commit.duration", "s", "Time of one group commit (one store transaction), failed ones included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _batchSize = meter.CreateHistogram("hubapp.store.batch.size", "{write}", "Writes (room and direct messages) in one group commit, failed ones included.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
        meter.CreateObservableCounter("hubapp.deliveries", () => Volatile.Read(ref _deliveries),
            "{message}", "Stored room and direct messages handed to this node's connections (once per message and node, whatever the number of receivers).");
        meter.CreateObservableCounter("hubapp.refusals", ObserveRefusals,
            "{refusal}", "Refused hub invocations and connections, by contract error code.");
        meter.CreateObservableCounter("hubapp.catch_up.messages", () => Volatile.Read(ref _catchUpMessages),
            "{entry}", "Room log entries returned by JoinRoom with a sinceId (reconnect catch-up and gap repair).");
        meter.CreateObservableCounter("hubapp.gap_repairs", () => Volatile.Read(ref _gapRepairs),
            "{call}", "JoinRoom calls with a sinceId on a connection that had already joined the room.");
        _backplaneLag = meter.CreateHistogram("hubapp.backplane.lag", "s", "Time from a message's commit on one node to its receipt from the backplane on another.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        meter.CreateObservableCounter("hubapp.slow_consumers.closed", () => Volatile.Read(ref _slowConsumersClosed),
            "{connection}", "Connections closed because one send to them waited past the transport send timeout.");
        meter.CreateObservableCounter("hubapp.attachment.bytes.stored", () => Volatile.Read(ref _attachmentBytesStored),
            "{byte}", "Bytes of files (not counting thumbnails) that uploads through this node stored.");
        meter.CreateObservableGauge("hubapp.attachments.stored", () => Volatile.Read(ref _attachmentsStored)(),
            "{file}", "Uploads described in the store, used or not: every node's, as last counted.");
        meter.CreateObservableGauge("hubapp.rooms.active", presence.ActiveRooms, "{room}", "Rooms where at least one user is present through this node.");
        meter.CreateObservableGauge("hubapp.users.present", presence.UsersPresent, "{user}", "Users present in at least one room through this node.");
    }

    /// <summary>One group commit was attempted: <paramref name="writes"/> writes in <paramref name="duration"/>.</summary>
    public void StoreCommitted(int writes, TimeSpan duration)
    {
        _batchSize.Record(writes);
        _commitDuration.Record(duration.TotalSeconds);
    }

    /// <summary>A batch committed <paramref name="entries"/> (of every kind) and <paramref name="directMessages"/> direct messages.</summary>
    public void MessagesStored(IReadOnlyList<ChatMessage> entries, int directMessages)
    {
        foreach (var entry in entries)
        {
            var slot = Array.IndexOf(Kinds, entry.Kind);
            Interlocked.Increment(ref _messagesStored[slot < 0 ? 0 : slot]);
        }

        Interlocked.Add(ref _directMessagesStored, directMessages);
    }

    /// <summary>An upload of <paramref name="bytes"/> bytes was stored.</summary>
    public void AttachmentStored(long bytes) => Interlocked.Add(ref _attachmentBytesStored, bytes);

    /// <summary>Where <c>hubapp.attachments.stored</c> is read from: a cheap, cached count (Attachments' <c>AttachmentCount</c>).</summary>
    public void ObserveAttachmentsStored(Func<long> read) => Volatile.Write(ref _attachmentsStored, read);

    public void Delivered(int count = 1) => Interlocked.Add(ref _deliveries, count);

    /// <summary>A refusal, from its code or from a HubException message as the contract words it ("code: text").</summary>
    public void Refused(string codeOrMessage)
    {
        var colon = codeOrMessage.IndexOf(':', StringComparison.Ordinal);
        var code = colon < 0 ? codeOrMessage.AsSpan() : codeOrMessage.AsSpan(0, colon);
        var slot = CodeSlots.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(code, out var known) ? known : Codes.Length - 1;
        Interlocked.Increment(ref _refusals[slot]);
    }

    public void CaughtUp(int entries, bool gapRepair)
    {
        Interlocked.Add(ref _catchUpMessages, entries);
        if (gapRepair)
        {
            Interlocked.Increment(ref _gapRepairs);
        }
    }

    public void BackplaneLag(TimeSpan lag) => _backplaneLag.Record(Math.Max(0, lag.TotalSeconds));

    /// <summary>SignalR cancelled a send to the connection that waited too long (<see cref="SlowConsumerObserver"/>); counted once it closes.</summary>
    public void SendTimedOut(string connectionId) => _sendTimedOut.TryAdd(connectionId, 0);

    /// <summary>
    /// A hub connection closed (called for every one). Counted as a slow consumer if a send to it had timed out:
    /// a connection that survives (a stateful reconnect resumes it) is not counted, and one whose sends timed
    /// out several times is counted once.
    /// </summary>
    public void ConnectionClosed(string connectionId)
    {
        if (!_sendTimedOut.IsEmpty && _sendTimedOut.TryRemove(connectionId, out _))
        {
            Interlocked.Increment(ref _slowConsumersClosed);
        }
    }

    private IEnumerable<Measurement<long>> ObserveRefusals() => ObserveSlots(_refusals, "code", Codes);

    private IEnumerable<Measurement<long>> ObserveMessagesStored() => ObserveSlots(_messagesStored, "kind", Kinds);

    /// <summary>One measurement per slot of <paramref name="counts"/>, tagged <paramref name="tag"/> = its value.</summary>
    private static Measurement<long>[] ObserveSlots(long[] counts, string tag, string[] values)
    {
        var measurements = new Measurement<long>[values.Length];
        for (var slot = 0; slot < values.Length; slot++)
        {
            measurements[slot] = new Measurement<long>(Volatile.Read(ref counts[slot]), new KeyValuePair<string, object?>(tag, values[slot]));
        }

        return measurements;
    }
}
