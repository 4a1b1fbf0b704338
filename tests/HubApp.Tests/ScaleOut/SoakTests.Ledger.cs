using System.Collections.Concurrent;
using System.Net.Sockets;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class SoakTests
{
    /// <summary>
    /// What the soak's members were told by the servers, shared by every member's task: the entries and direct messages
    /// acknowledged, the calls made, the refusals the soak provokes on purpose (counted by code) and every other one
    /// (which fails the test), and the calls whose connection went under them (a restart, an expired token).
    /// </summary>
    private sealed class Ledger
    {
        private readonly ConcurrentQueue<ChatMessage> _entries = new();
        private readonly ConcurrentQueue<DirectMessage> _direct = new();
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _expectedRefusals = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _interrupted = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _late = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _unexpected = new();

        public IReadOnlyCollection<ChatMessage> Entries => _entries;

        public IReadOnlyCollection<DirectMessage> Direct => _direct;

        public string[] Unexpected => [.. _unexpected];

        public IReadOnlyDictionary<string, int> Calls => _calls;

        public IReadOnlyDictionary<string, int> ExpectedRefusals => _expectedRefusals;

        public void Acknowledged(ChatMessage entry) => _entries.Enqueue(entry);

        public void Acknowledged(DirectMessage message) => _direct.Enqueue(message);

        public void Refused(string code) => _expectedRefusals.AddOrUpdate(code, 1, (_, n) => n + 1);

        public void Fail(string what) => _unexpected.Enqueue(what);

        /// <summary>A moderation decision met, on another node, a call made before that node had heard of it.</summary>
        public void Late(string decision) => Count(_late, decision);

        /// <summary>
        /// One invocation, bounded. Ok with its answer when it went as the caller expects: answered, or refused with
        /// <paramref name="refusal"/> when that is given (counted; the answer is then default, and an answer instead of the
        /// refusal is a failure of the soak). Not ok when the client was not connected or its connection went while the
        /// call was in flight (counted: a restart and an expiring token cause both), or on any other refusal (a failure).
        /// </summary>
        public async Task<(bool Ok, T? Value)> CallAsync<T>(string method, ChatClient client, Func<Task<T>> call, string? refusal = null)
        {
            if (client.State != ChatConnectionState.Connected)
            {
                Count(_interrupted, method + " (not connected)");
                return (false, default);
            }

            try
            {
                var value = await call().DefaultTimeout(TestTimeouts.Slow);
                Count(_calls, method);
                if (refusal is not null)
                {
                    Fail($"{method} was not refused with {refusal}");
                }

                return (true, value);
            }
            catch (ChatException ex) when (ex.Code == refusal)
            {
                Count(_calls, method);
                Refused(ex.Code);
                return (true, default);
            }
            catch (ChatException ex)
            {
                Fail($"{method}: {ex.Message}");
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or SocketException or OperationCanceledException)
            {
                Count(_interrupted, method);
            }
            catch (TimeoutException)
            {
                Fail($"{method}: no answer within {TestTimeouts.Slow}");
            }

            return (false, default);
        }

        public Task<(bool Ok, bool Value)> CallAsync(string method, ChatClient client, Func<Task> call, string? refusal = null) =>
            CallAsync(method, client, async () =>
            {
                await call();
                return true;
            }, refusal);

        public override string ToString() =>
            $"{_entries.Count} room entries and {_direct.Count} direct messages acknowledged; calls: {Format(_calls)}; "
            + $"refusals by design: {Format(_expectedRefusals)}; interrupted by a lost connection: {Format(_interrupted)}; "
            + $"calls on rowdy's node before a decision reached it: {Format(_late)}";

        private static void Count(ConcurrentDictionary<string, int> counts, string key) => counts.AddOrUpdate(key, 1, (_, n) => n + 1);

        private static string Format(ConcurrentDictionary<string, int> counts) =>
            counts.IsEmpty ? "none" : string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
    }
}
