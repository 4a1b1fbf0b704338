using System.Diagnostics;

namespace HubApp.Bench;

/// <summary>
/// R rooms × M members, connected and joined; the first member of each room is its sender. Every member counts what
/// it receives, and what it receives while the <see cref="MeasurementWindow"/> is open with how long after its send
/// each stamped delivery arrived.
/// </summary>
/// <remarks>
/// Senders and receivers live in this process, so the send time travels in the text itself and is read against the
/// same Stopwatch. Each connection reports its deliveries one at a time (both clients' contract), so the per-member
/// counters need no locks; they are summed by other threads only between phases or as an estimate.
/// </remarks>
internal sealed class BenchRooms : IAsyncDisposable
{
    private readonly RoomMember[] _members;

    private BenchRooms(RoomMember[] members, int perRoom, MeasurementWindow window)
    {
        _members = members;
        Window = window;
        Senders = [.. members.Where((_, i) => i % perRoom == 0)];
    }

    public IReadOnlyList<RoomMember> Members => _members;

    public IReadOnlyList<RoomMember> Senders { get; }

    public MeasurementWindow Window { get; }

    public long Received => _members.Sum(m => m.Received);

    public long InWindow => _members.Sum(m => m.InWindow);

    /// <summary>Connects and joins every member (16 at a time); on failure the ones connected are closed again.</summary>
    public static async Task<BenchRooms> ConnectAsync(BenchTarget target, int rooms, int members, TextWriter progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var window = new MeasurementWindow();
        var connected = new RoomMember[rooms * members];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, connected.Length), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var (room, index) = (i / members, i % members);
                var member = new RoomMember($"bench-room-{room}", window) { UserId = $"bench-{room}-{index}" };
                member.Client = await target.ConnectAsync(member.UserId, member.OnDelivery, ct);
                connected[i] = member;
                await member.Client.JoinRoomAsync(member.Room, ct);
            });
        }
        catch
        {
            await CloseAsync(connected);
            throw;
        }

        var result = new BenchRooms(connected, members, window);
        await progress.WriteLineAsync($"  {target.Name}: {connected.Length} clients connected and joined in {started.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    /// <summary>Waits (at most 10 s) until the members have received <paramref name="expected"/> deliveries in all.</summary>
    public async Task DrainAsync(long expected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (Received < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => new(CloseAsync(_members));

    private static Task CloseAsync(RoomMember?[] members) =>
        Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (m, _) =>
        {
            if (m?.Client is { } client)
            {
                await client.DisposeAsync();
            }
        });
}

/// <summary>One connection of <see cref="BenchRooms"/>: its room, its user (its own, lower case as the development issuer makes ids), and what it received.</summary>
internal sealed class RoomMember(string room, MeasurementWindow window)
{
    public IBenchConnection? Client { get; set; }

    public string UserId { get; init; } = string.Empty;

    public string Room { get; } = room;

    public long Received { get; private set; }

    /// <summary>Deliveries while the window was open, stamped or not (a reaction's entry carries no stamp).</summary>
    public long InWindow { get; private set; }

    /// <summary>Send-to-delivery times (Stopwatch ticks) of the stamped deliveries while the window was open.</summary>
    public List<long> Latencies { get; } = new(4096);

    public void OnDelivery(long sent)
    {
        var now = Stopwatch.GetTimestamp();
        Received++;
        if (window.IsOpen)
        {
            InWindow++;
            if (sent >= 0)
            {
                Latencies.Add(now - sent);
            }
        }
    }
}

/// <summary>The measured part of a run (or of a phase), after warm-up and before the drain; it may open again.</summary>
internal sealed class MeasurementWindow
{
    private long _opened;
    private long _closed;

    public bool IsOpen => Volatile.Read(ref _opened) != 0 && Volatile.Read(ref _closed) == 0;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_opened, _closed == 0 ? Stopwatch.GetTimestamp() : _closed);

    public void Open()
    {
        Volatile.Write(ref _opened, Stopwatch.GetTimestamp());
        Volatile.Write(ref _closed, 0);
    }

    public void Close() => Volatile.Write(ref _closed, Stopwatch.GetTimestamp());

    /// <summary>
    /// Open for <paramref name="duration"/>, calling <paramref name="tick"/> every quarter second (for progress); then
    /// closed: the wall-seconds, the cores each side used and the server's CPU-seconds over that time.
    /// </summary>
    public async Task<Measured> MeasureAsync(ProcessMeter? server, Pinning pinning, TimeSpan duration, Func<Task> tick, CancellationToken cancellationToken)
    {
        var cpu = CpuUse.Start(server, pinning);
        var serverCpu = server?.CpuSeconds();
        Open();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            await Task.Delay(duration < Tick ? duration : Tick, cancellationToken);
            await tick();
        }

        Close();
        return new Measured(Elapsed.TotalSeconds, cpu(), server is null ? double.NaN : server.CpuSeconds() - serverCpu!.Value);
    }

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
}

/// <summary>What <see cref="MeasurementWindow.MeasureAsync"/> measured.</summary>
internal sealed record Measured(double Seconds, CpuUse Cpu, double ServerCpuSeconds);
