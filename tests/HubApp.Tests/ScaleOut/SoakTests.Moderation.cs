using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class SoakTests
{
    /// <summary>
    /// The owner of the private room (on node 0) moderating it, a cycle every three seconds or so: a role given and taken back
    /// (another stayer), the topic, then <see cref="Rowdy"/> (on node 1) muted (its send refused with <c>muted</c>),
    /// unmuted (its send stored), kicked and invited back, banned (its join refused with <c>forbidden</c>), unbanned and
    /// invited back. Each step waits for the last to take effect where the contract says it does at once. A cycle runs
    /// whole or not at all: the node restart waits for the current one (<see cref="PauseAsync"/>).
    /// </summary>
    private sealed class Moderation(ChatClient owner, string moderator, ChatClient rowdy, Ledger ledger) : IDisposable
    {
        private readonly SemaphoreSlim _turn = new(1, 1);
        private readonly Inbox<RoomRemoval> _removals = Watch(rowdy);
        private int _cycles;

        public int Cycles => _cycles;

        /// <summary>Returns once the current cycle (if any) has ended; no other starts until <see cref="Resume"/>.</summary>
        public async Task PauseAsync()
        {
            if (!await _turn.WaitAsync(TestTimeouts.Slow * 2))
            {
                throw new TimeoutException($"A moderation cycle did not end within {TestTimeouts.Slow * 2}.");
            }
        }

        public void Resume() => _turn.Release();

        public void Dispose() => _turn.Dispose();

        public async Task RunUntilAsync(DateTime end)
        {
            var random = new Random(500);
            for (var i = 0; i < 1000 && DateTime.UtcNow < end; i++)
            {
                await PauseAsync();
                try
                {
                    if (owner.State == ChatConnectionState.Connected && rowdy.State == ChatConnectionState.Connected && await CycleAsync(i))
                    {
                        _cycles++;
                    }
                }
                finally
                {
                    _turn.Release();
                }

                // A cycle makes nine room changes: 2.5-3.5 s apart keeps the owner's connection under the room-change
                // allowance (RateLimitFilter: 5 a second, burst 20) for the whole soak.
                await Task.Delay(random.Next(2500, 3500));
            }
        }

        // False when a step could not be made (a lost connection; a refusal is in the ledger): the cycle does not count.
        private async Task<bool> CycleAsync(int i)
        {
            var role = i % 2 == 0 ? RoomRoles.Moderator : RoomRoles.Member;
            var done = (await ledger.CallAsync(HubMethods.SetRole, owner, () => owner.SetRoleAsync(Club, moderator, role))).Ok
                && (await ledger.CallAsync(HubMethods.UpdateRoom, owner, () => owner.UpdateRoomAsync(Club, $"topic {i}"))).Ok
                && (await ledger.CallAsync(HubMethods.MuteInRoom, owner, () => owner.MuteAsync(Club, Rowdy))).Ok
                && await OnRowdysNodeAsync("the mute", MutedSendAsync)
                && (await ledger.CallAsync(HubMethods.UnmuteInRoom, owner, () => owner.UnmuteAsync(Club, Rowdy))).Ok
                && await OnRowdysNodeAsync("the unmute", () => AfterDecisionAsync(() => rowdy.SendMessageAsync(Club, $"{Rowdy} unmuted {i}"), refusal: null, before: ErrorCodes.Muted));
            if (!done)
            {
                return false;
            }

            return await RemoveAndReadmitAsync(HubMethods.KickFromRoom, () => owner.KickAsync(Club, Rowdy), RemovalReasons.Kicked, refusedJoin: false)
                && await RemoveAndReadmitAsync(HubMethods.BanFromRoom, () => owner.BanAsync(Club, Rowdy), RemovalReasons.Banned, refusedJoin: true);
        }

        // Both remove the user from the private room (membership included); a banned one's join is refused until the unban.
        private async Task<bool> RemoveAndReadmitAsync(string method, Func<Task> remove, string reason, bool refusedJoin)
        {
            if (!(await ledger.CallAsync(method, owner, remove)).Ok)
            {
                return false;
            }

            try
            {
                await _removals.NextAsync(r => r.Room == Club && r.Reason == reason, TestTimeouts.Slow);
            }
            catch (OperationCanceledException)
            {
                ledger.Fail($"{Rowdy} was not told it was {reason}");
                return false;
            }

            if (refusedJoin)
            {
                if (!(await ledger.CallAsync(HubMethods.JoinRoom + " (banned)", rowdy, () => rowdy.JoinRoomAsync(Club), ErrorCodes.Forbidden)).Ok
                    || !(await ledger.CallAsync(HubMethods.UnbanFromRoom, owner, () => owner.UnbanAsync(Club, Rowdy))).Ok)
                {
                    return false;
                }
            }

            return (await ledger.CallAsync(HubMethods.InviteToRoom, owner, () => owner.InviteAsync(Club, Rowdy))).Ok
                && await OnRowdysNodeAsync("the invitation", () => AfterDecisionAsync(() => rowdy.JoinRoomAsync(Club), refusal: null, before: ErrorCodes.Forbidden));
        }

        /// <summary>
        /// A decision taken on the owner's node, as rowdy's node sees it. That node hears of it a moment after it was
        /// acknowledged (a room change notice on the backplane, IRoomChangeBus), so a call there may still meet the room as
        /// it was: <paramref name="attempt"/> returns null for that (counted as "late"), and is made again, 50 ms apart, 100
        /// times at most. True once it went as the decision says; false for a lost connection or a refusal of another kind.
        /// </summary>
        private async Task<bool> OnRowdysNodeAsync(string decision, Func<Task<bool?>> attempt)
        {
            for (var i = 0; i < 100; i++)
            {
                if (await attempt() is { } settled)
                {
                    return settled;
                }

                ledger.Late(decision);
                await Task.Delay(50);
            }

            ledger.Fail($"{decision} had not reached {Rowdy}'s node after 100 tries");
            return false;
        }

        // Muted: refused with 'muted'; a send stored before the mute reached the node is acknowledged, and late.
        private Task<bool?> MutedSendAsync() =>
            AfterDecisionAsync(() => rowdy.PostMessageAsync(Club, $"{Rowdy} muted? {Guid.NewGuid():N}", null), refusal: ErrorCodes.Muted, before: null);

        // True when the call went as the decision says: answered (a stored message is acknowledged), or refused with
        // `refusal` when that is given. Null when it went as before the decision: refused with `before`, or answered when a
        // refusal was due. False for anything else, which is a failure of the soak.
        private async Task<bool?> AfterDecisionAsync<T>(Func<Task<T>> call, string? refusal, string? before)
        {
            try
            {
                var answer = await call().DefaultTimeout(TestTimeouts.Slow);
                if (answer is ChatMessage message)
                {
                    ledger.Acknowledged(message);
                }

                return refusal is null ? true : null;
            }
            catch (ChatException ex) when (ex.Code == refusal)
            {
                ledger.Refused(ex.Code);
                return true;
            }
            catch (ChatException ex) when (ex.Code == before)
            {
                return null;
            }
            catch (Exception ex) when (ex is ChatException or TimeoutException or InvalidOperationException)
            {
                ledger.Fail($"{Rowdy} after a decision: {ex.Message}");
                return false;
            }
        }

        private static Inbox<RoomRemoval> Watch(ChatClient client)
        {
            var removals = new Inbox<RoomRemoval>();
            client.RemovedFromRoom += removals.Add;
            return removals;
        }
    }
}
