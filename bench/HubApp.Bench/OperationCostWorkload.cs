using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace HubApp.Bench;

/// <summary>
/// What one operation of the cost workload is; each stores one entry of the room log and delivers it to the room, but
/// <see cref="Direct"/>, which stores a direct message and delivers it to its two users.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationKind>))]
internal enum OperationKind
{
    /// <summary><c>PostMessage</c> of a plain message: the reference.</summary>
    Message,

    /// <summary><c>React</c>, toggling an emoji on an existing message, so that every call adds or removes one (and stores an entry).</summary>
    Reaction,

    /// <summary><c>Post</c> of a draft whose <c>threadId</c> is a root message: a thread reply.</summary>
    Reply,

    /// <summary><c>Post</c> of a draft without a thread: the draft's own path, to tell it apart from the thread's.</summary>
    Post,

    /// <summary>
    /// <c>PostDirectMessage</c> from a room's sender to a member of any room picked at random (every connection is its own
    /// user): two deliveries, the recipient's copy and the sender's own.
    /// </summary>
    Direct,
}

internal sealed record CostSettings(int Rooms, int Members, int Window, TimeSpan Warmup, TimeSpan Phase, int Rounds, double? OfferedRate, IReadOnlyList<OperationKind> Kinds);

/// <summary>
/// What a reaction and a thread reply cost the server against a plain message, in one run against one server process:
/// R rooms × M members (<see cref="BenchRooms"/>), one sender per room, and the kinds in consecutive phases of equal
/// length — a warm-up phase of each, then <see cref="CostSettings.Rounds"/> rounds of one phase per kind — so that each
/// kind meets the same server, JIT state and room sizes, and drift over the run falls on every kind alike. Per phase:
/// operations acknowledged, deliveries, the server's CPU-seconds, acknowledgement latency.
/// </summary>
/// <remarks>
/// A phase measures from a second after its senders start (the ramp from idle) until it stops them, and drains every
/// delivery before the next phase starts, so no phase pays for another's tail. Each room's sender first posts
/// <see cref="Targets"/> messages to react to and as many thread roots (separate, so that a reaction's answer, the
/// target as now stored, carries no thread summary). Reactions cycle through target × emoji pairs, more of them than a
/// window holds, and a pair's next toggle waits for its last one: each call changes something, as the contract needs
/// for it to store and deliver an entry.
/// </remarks>
internal sealed class OperationCostWorkload(BenchTarget target, CostSettings settings, TextWriter progress, Pinning? pinning = null)
{
    /// <summary>Reaction targets, and thread roots, per room.</summary>
    public const int Targets = 10;

    // Single code points (no variation selector), well under Limits:MaxReactionKinds per message.
    private static readonly string[] Emoji = ["\U0001F44D", "\U0001F389", "\U0001F604", "\U0001F680", "\U0001F440", "\U0001F64F"];

    // The ramp from idle that a phase does not measure (less in a phase shorter than two of it).
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    // Client message ids are per user and room: a run's own prefix keeps a second run against the same host from repeating one.
    private readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    // Every acknowledged operation by kind, warm-up included (not the seeds): with the seeds, what the rooms' logs hold.
    private readonly Dictionary<OperationKind, long> _acknowledged = [];

    public async Task<CostResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var rooms = await BenchRooms.ConnectAsync(target, settings.Rooms, settings.Members, progress, cancellationToken);
        var senders = rooms.Senders.Select((m, i) => new Sender(m, i)).ToArray();
        await SeedAsync(rooms, senders, cancellationToken);
        var warmup = settings.Warmup / settings.Kinds.Count;
        foreach (var kind in settings.Kinds)
        {
            await RunPhaseAsync(rooms, senders, kind, round: 0, warmup, cancellationToken);
        }

        var phases = new List<CostPhase>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            foreach (var kind in settings.Kinds)
            {
                phases.Add(await RunPhaseAsync(rooms, senders, kind, round, settings.Phase, cancellationToken));
            }
        }

        return CostResult.Of(target.Name, settings, phases) with { Acknowledged = _acknowledged };
    }

    private async Task SeedAsync(BenchRooms rooms, Sender[] senders, CancellationToken cancellationToken)
    {
        var expected = rooms.Received + ((long)senders.Length * 2 * Targets * settings.Members);
        await Parallel.ForEachAsync(senders, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (sender, _) =>
        {
            for (var i = 0; i < 2 * Targets; i++)
            {
                var id = await sender.Member.Client!.PostStampedAsync(sender.Member.Room, Stopwatch.GetTimestamp(), sender.NextClientMessageId(_run));
                (i < Targets ? sender.ReactionTargets : sender.ThreadRoots)[i % Targets] = id > 0
                    ? id
                    : throw new InvalidOperationException("PostMessage answered without the stored message's id.");
            }
        });
        await rooms.DrainAsync(expected, cancellationToken);
    }

    private async Task<CostPhase> RunPhaseAsync(BenchRooms rooms, Sender[] senders, OperationKind kind, int round, TimeSpan duration, CancellationToken cancellationToken)
    {
        var window = rooms.Window;
        var receivedBefore = rooms.Received;
        var inWindowBefore = rooms.InWindow;
        var ackedBefore = senders.Sum(s => s.Acked);
        var errorsBefore = senders.Sum(s => s.Errors);
        var latencyMarks = rooms.Members.Select(m => m.Latencies.Count).ToArray();
        foreach (var sender in senders)
        {
            sender.StartPhase();
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var interval = SendWindow.Interval(settings.OfferedRate, settings.Rooms, settings.Members);
        var sending = senders.Select((s, i) => Task.Run(() => SendWindow.RunAsync(() => StartOne(s, kind, rooms), settings.Window, interval, stop.Token, SendWindow.Phase(i, senders.Length, interval)), CancellationToken.None)).ToArray();

        await Task.Delay(duration < 2 * Settle ? duration / 2 : Settle, cancellationToken);
        var measured = await window.MeasureAsync(target.Process, pinning ?? Pinning.None, duration, () => progress.WriteAsync(
            $"\r  {target.Name}: {(round == 0 ? "warm-up" : $"round {round}")}, {Name(kind),-8} {senders.Sum(s => s.InWindowCount) / window.Elapsed.TotalSeconds,9:N0} ops/s over {window.Elapsed.TotalSeconds,3:F0} s   "), cancellationToken);
        await progress.WriteLineAsync();
        await stop.CancelAsync();
        await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var acked = senders.Sum(s => s.Acked) - ackedBefore;
        _acknowledged[kind] = _acknowledged.GetValueOrDefault(kind) + acked;
        var expected = receivedBefore + (acked * (kind == OperationKind.Direct ? 2 : settings.Members));
        await rooms.DrainAsync(expected, cancellationToken);
        var deliveryLatencies = new List<long>();
        for (var i = 0; i < latencyMarks.Length; i++)
        {
            var latencies = rooms.Members[i].Latencies;
            deliveryLatencies.AddRange(latencies.GetRange(latencyMarks[i], latencies.Count - latencyMarks[i]));
        }

        return new CostPhase(
            kind,
            round,
            measured.Seconds,
            Operations: senders.Sum(s => s.InWindowCount),
            Deliveries: rooms.InWindow - inWindowBefore,
            ServerCpuSeconds: measured.ServerCpuSeconds,
            Lost: expected - rooms.Received,
            Errors: senders.Sum(s => s.Errors) - errorsBefore,
            measured.Cpu)
        {
            AckSamples = [.. senders.SelectMany(s => s.AckLatencies)],
            DeliverySamples = deliveryLatencies,
        };
    }

    /// <summary>Starts one operation of <paramref name="kind"/>; called from the sender's one loop, so its state needs no lock here.</summary>
    private Task StartOne(Sender sender, OperationKind kind, BenchRooms rooms)
    {
        var window = rooms.Window;
        var client = sender.Member.Client!;
        var room = sender.Member.Room;
        switch (kind)
        {
            case OperationKind.Reaction:
            {
                var pair = (int)(sender.Toggles++ % sender.Reacted.Length);
                var add = sender.Reacted[pair] = !sender.Reacted[pair];
                var (messageId, emoji) = (sender.ReactionTargets[pair % Targets], Emoji[pair / Targets]);
                var task = MeasureAsync(sender, () => client.ReactAsync(room, messageId, emoji, add), sender.Pending[pair], window);
                sender.Pending[pair] = task;
                return task;
            }

            case OperationKind.Reply:
            {
                var (id, root) = (sender.NextClientMessageId(_run), sender.ThreadRoots[(int)(sender.Replies++ % Targets)]);
                return MeasureAsync(sender, () => client.PostDraftStampedAsync(room, Stopwatch.GetTimestamp(), id, root), Task.CompletedTask, window);
            }

            case OperationKind.Direct:
            {
                var (id, to) = (sender.NextClientMessageId(_run), PickRecipient(rooms.Members, sender.Member).UserId);
                return MeasureAsync(sender, () => client.PostDirectStampedAsync(to, Stopwatch.GetTimestamp(), id), Task.CompletedTask, window);
            }

            case OperationKind.Post:
            {
                var id = sender.NextClientMessageId(_run);
                return MeasureAsync(sender, () => client.PostDraftStampedAsync(room, Stopwatch.GetTimestamp(), id, threadId: null), Task.CompletedTask, window);
            }

            default:
            {
                var id = sender.NextClientMessageId(_run);
                return MeasureAsync(sender, () => client.PostStampedAsync(room, Stopwatch.GetTimestamp(), id), Task.CompletedTask, window);
            }
        }
    }

    // Anyone but the sender: a note to self would be one delivery, not two.
    private static RoomMember PickRecipient(IReadOnlyList<RoomMember> members, RoomMember sender)
    {
        var pick = Random.Shared.Next(members.Count);
        return ReferenceEquals(members[pick], sender) ? members[(pick + 1) % members.Count] : members[pick];
    }

    /// <summary>Runs one operation after <paramref name="after"/> (which never faults): its errors are counted, never thrown.</summary>
    private static async Task MeasureAsync(Sender sender, Func<Task> operation, Task after, MeasurementWindow window)
    {
        await after;
        var start = Stopwatch.GetTimestamp();
        try
        {
            await operation();
            sender.Acknowledged(Stopwatch.GetTimestamp() - start, window.IsOpen);
        }
        catch (Exception ex) when (ex is HubApp.Client.ChatException or InvalidOperationException or OperationCanceledException)
        {
            Interlocked.Increment(ref sender.Errors);
        }
    }

    internal static string Name(OperationKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>A room's sender and its state across phases: its targets, which pairs carry its reaction, its counters.</summary>
    private sealed class Sender(RoomMember member, int index)
    {
        public long Acked;
        public long Errors;
        public long Toggles;
        public long Replies;
        private readonly Lock _lock = new();
        private long _nextId;
        private long _inWindow;

        public RoomMember Member { get; } = member;

        public long[] ReactionTargets { get; } = new long[Targets];

        public long[] ThreadRoots { get; } = new long[Targets];

        /// <summary>Whether this sender's emoji is on each target × emoji pair now.</summary>
        public bool[] Reacted { get; } = new bool[Targets * Emoji.Length];

        /// <summary>Each pair's last toggle, which its next one waits for.</summary>
        public Task[] Pending { get; } = Enumerable.Repeat(Task.CompletedTask, Targets * Emoji.Length).ToArray();

        /// <summary>This phase's acknowledgement times (Stopwatch ticks) inside the window.</summary>
        public List<long> AckLatencies { get; } = new(4096);

        public long InWindowCount => Volatile.Read(ref _inWindow);

        public string NextClientMessageId(string run) => $"b{run}-{index}-{_nextId++}";

        public void StartPhase()
        {
            AckLatencies.Clear();
            Volatile.Write(ref _inWindow, 0);
        }

        // Completions of one sender's window run concurrently on the thread pool.
        public void Acknowledged(long ticks, bool inWindow)
        {
            Interlocked.Increment(ref Acked);
            if (inWindow)
            {
                lock (_lock)
                {
                    _inWindow++;
                    AckLatencies.Add(ticks);
                }
            }
        }
    }
}
