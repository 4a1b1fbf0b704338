using System.Diagnostics;

namespace HubApp.Bench;

/// <summary>
/// U users, one connection each, placed on the target's nodes; each sends direct messages (64-character stamped texts)
/// to users drawn at random, paced to the offered rate or keeping a window outstanding. Each message is delivered to
/// every connection of its sender and of its recipient (<c>DirectMessageReceived</c>): two deliveries here.
/// </summary>
internal sealed class DirectWorkload(BenchTarget target, FanOutSettings settings, TextWriter progress, Pinning? pinning = null)
{
    /// <summary>Deliveries of one direct message: the recipient's connection and the sender's.</summary>
    public const int DeliveriesPerMessage = 2;

    public async Task<FanOutResult> RunAsync(CancellationToken cancellationToken)
    {
        if (settings.Rooms < 2)
        {
            throw new InvalidOperationException("The direct workload needs at least two users.");
        }

        await using var users = await BenchRooms.ConnectAsync(target, settings.Rooms, members: 1, progress, cancellationToken, settings.Placement, settings.Tag, join: false);
        var senders = users.Members.Select((m, i) => new Sender(m, new Random(BenchRooms.PlacementSeed + i))).ToArray();
        var spread = new NodeSpread();
        var interval = SendWindow.Interval(settings.OfferedRate, settings.Rooms, DeliveriesPerMessage);
        var run = await DeliveryRun.MeasureAsync(
            target,
            settings,
            users,
            pinning,
            progress,
            stop => senders.Select((s, i) => Task.Run(() => SendWindow.RunAsync(() => SendOneAsync(s, senders, users.Window, spread), settings.Window, interval, stop, SendWindow.Phase(i, senders.Length, interval)), CancellationToken.None)),
            () => senders.Sum(s => Volatile.Read(ref s.Expected)),
            cancellationToken);
        return run.Result(senders.Select(s => (Volatile.Read(ref s.Expected), s.Member.Received)), senders.Sum(s => s.Errors), spread);
    }

    /// <summary>A user other than <paramref name="sender"/>, at random among <paramref name="users"/>.</summary>
    public static int PickRecipient(int sender, int users, Random random)
    {
        var other = random.Next(users - 1);
        return other >= sender ? other + 1 : other;
    }

    // Called from the sender's own loop only, so its Random needs no lock.
    private static async Task SendOneAsync(Sender sender, Sender[] all, MeasurementWindow window, NodeSpread spread)
    {
        var recipient = all[PickRecipient(sender.Index, all.Length, sender.Random)];
        try
        {
            await sender.Member.Client!.SendDirectStampedAsync(recipient.Member.UserId, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref sender.Expected);
            Interlocked.Increment(ref recipient.Expected);
            if (window.IsOpen)
            {
                spread.Add(Placements.DistinctNodes([sender.Member.Node, recipient.Member.Node]));
            }
        }
        catch (Exception ex) when (ex is HubApp.Client.ChatException or InvalidOperationException or OperationCanceledException)
        {
            Interlocked.Increment(ref sender.Errors);
        }
    }

    private sealed class Sender(RoomMember member, Random random)
    {
        public long Expected;
        public long Errors;

        public RoomMember Member { get; } = member;

        public Random Random { get; } = random;

        public int Index => Member.RoomIndex;
    }
}
