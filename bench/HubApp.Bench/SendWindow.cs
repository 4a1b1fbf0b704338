using System.Diagnostics;

namespace HubApp.Bench;

/// <summary>
/// One sender's loop: keeps <c>window</c> operations outstanding, or (with an interval) starts one per interval, until
/// stopped, then waits for those still outstanding. Operations are started from this one loop, in order.
/// </summary>
internal static class SendWindow
{
    /// <param name="sendOne">Starts one operation; its task must not fault (the caller counts its own errors).</param>
    /// <param name="phase">With an interval, when the first operation starts (<see cref="Phase"/>); the rest follow one interval apart.</param>
    public static async Task RunAsync(Func<Task> sendOne, int window, TimeSpan interval, CancellationToken stop, TimeSpan phase = default)
    {
        var outstanding = new List<Task>(window);
        var next = Stopwatch.GetTimestamp() + (long)((phase - interval).TotalSeconds * Stopwatch.Frequency);
        while (!stop.IsCancellationRequested)
        {
            if (interval > TimeSpan.Zero)
            {
                next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var wait = next - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), stop);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            outstanding.Add(sendOne());
            if (outstanding.Count >= window)
            {
                outstanding.Remove(await Task.WhenAny(outstanding));
            }
        }

        await Task.WhenAll(outstanding);
    }

    /// <summary>
    /// Where <paramref name="sender"/> of <paramref name="senders"/> starts within the interval. Senders spread evenly:
    /// started in step, they send in bursts, and a window of a few intervals counts a whole burst more or less than the
    /// offered rate (1,000 users at 3.3 s each in an 8-s window counted three sends each: 125% of the rate).
    /// </summary>
    public static TimeSpan Phase(int sender, int senders, TimeSpan interval) =>
        senders <= 0 ? TimeSpan.Zero : interval * ((double)sender / senders);

    /// <summary>The interval between one room's sends for <paramref name="offeredDeliveries"/> a second over all rooms (none: saturation).</summary>
    public static TimeSpan Interval(double? offeredDeliveries, int rooms, int members) =>
        offeredDeliveries is { } rate ? TimeSpan.FromSeconds(rooms * members / rate) : TimeSpan.Zero;
}
