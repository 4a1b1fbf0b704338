using HubApp.Client.Internal;

namespace HubApp.Client;

// Gap repair. A room's ids are consecutive (the contract's room log), so a MessageReceived with id n + 2 right after n
// means n + 1 was lost on its way (a backplane outage, say). The tracker holds the early one; the client catches the
// room up with JoinRoom(room, n), page after page, as after a reconnect. What the app sees: n + 1, then n + 2, then
// whatever arrived meanwhile, each id once and in ascending order; nothing past the gap is raised before the gap is
// filled. A repair that fails while connected is tried again, paced by ReconnectDelays; one that fails because the
// connection went is left to the reconnect, whose rejoin catches up from the same last id.
public sealed partial class ChatClient
{
    // Call under _gate, after any tracker call that may have found a gap.
    private void RepairIfNeeded(string room, RoomTracker tracker)
    {
        if (!tracker.TakeRepair())
        {
            return;
        }

        Log.GapDetected(_logger, room, tracker.LastSeen);
        tracker.BeginCatchUp();
        _ = Task.Run(() => RepairGapAsync(room, tracker));
    }

    private async Task RepairGapAsync(string room, RoomTracker tracker)
    {
        var attempt = 0;
        while (true)
        {
            try
            {
                await CatchUpAsync(room, tracker, CancellationToken.None).ConfigureAwait(false);
                lock (_gate)
                {
                    Deliver(tracker.EndCatchUp());
                    RepairIfNeeded(room, tracker);
                }

                return;
            }
            catch (ChatException ex) when (!IsTransient(ex.Code))
            {
                DropRefusedRoom(room, tracker, ex);
                return;
            }
            catch (Exception ex)
            {
                Log.GapRepairFailed(_logger, room, ex);
                lock (_gate)
                {
                    Deliver(tracker.FailJoin());
                    if (_state != ChatConnectionState.Connected || !tracker.Joined)
                    {
                        return;
                    }

                    tracker.BeginCatchUp();
                }

                await Task.Delay(_policy.Delay(++attempt)).ConfigureAwait(false);
            }
        }
    }
}
