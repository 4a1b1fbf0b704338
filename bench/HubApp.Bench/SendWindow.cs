using System.Diagnostics;

namespace HubApp.Bench;

/// <summary>
/// One sender's loop: keeps <c>window</c> operations outstanding, or (with an interval) starts one per interval, until
/// stopped, then waits for those still outstanding. Operations are started from this one loop, in order.
/// </summary>
internal static class SendWindow
{
    /// <param name="sendOne">Starts one operation; its task must not fault (the caller counts its own errors).</param>
    public static async Task RunAsync(Func<Task> sendOne, int window, TimeSpan interval, CancellationToken stop)
    {
        var outstanding = new List<Task>(window);
        var next = Stopwatch.GetTimestamp();
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

    /// <summary>The interval between one room's sends for <paramref name="offeredDeliveries"/> a second over all rooms (none: saturation).</summary>
    public static TimeSpan Interval(double? offeredDeliveries, int rooms, int members) =>
        offeredDeliveries is { } rate ? TimeSpan.FromSeconds(rooms * members / rate) : TimeSpan.Zero;
}
