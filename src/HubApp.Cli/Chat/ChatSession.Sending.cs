using HubApp.Client;

namespace HubApp.Cli.Chat;

// Lines and direct messages go out in the background through the client's outbox, which retries each one until the
// server has stored it (across a reconnect, under the rate limit): the user keeps typing meanwhile, and the order per
// room is the order typed. Only what retrying cannot fix comes back, and it is reported in words, never as an
// exception's text.
internal sealed partial class ChatSession
{
    // How long /quit waits for messages still being sent.
    private static readonly TimeSpan QuitGrace = TimeSpan.FromSeconds(10);

    // Guarded by _gate.
    private readonly List<Task> _sending = [];

    private void SendInBackground(Func<Task> send, string text)
    {
        if (client.State == ChatConnectionState.Reconnecting)
        {
            Print($"… not connected: “{Shorten(text)}” will be sent once reconnected");
        }

        var sending = SendAsync(send, text);
        lock (_gate)
        {
            _sending.RemoveAll(t => t.IsCompleted);
            _sending.Add(sending);
        }
    }

    private async Task SendAsync(Func<Task> send, string text)
    {
        try
        {
            await send();
        }
        catch (ChatException ex)
        {
            Print($"! Not sent: “{Shorten(text)}”. {Describe(ex.Code)}");
        }
        catch (ChatOutboxFullException)
        {
            Print($"! Not sent: “{Shorten(text)}”. Too many messages are waiting to be sent; try again in a moment.");
        }
        catch (InvalidOperationException)
        {
            Print($"! Not confirmed: “{Shorten(text)}”. The connection ended before the server confirmed it; it may not have arrived.");
        }
        catch (OperationCanceledException)
        {
            Print($"! Not confirmed: “{Shorten(text)}”. Sending was cancelled.");
        }
    }

    private async Task FinishSendingAsync()
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _sending.Where(t => !t.IsCompleted)];
        }

        if (pending.Length == 0)
        {
            return;
        }

        Print($"Waiting for {pending.Length} message(s) to be sent…");
        try
        {
            await Task.WhenAll(pending).WaitAsync(QuitGrace);
        }
        catch (TimeoutException)
        {
            Print($"! Gave up waiting after {QuitGrace.TotalSeconds:0} s; unsent messages are reported above or below.");
        }
    }

    private static string Shorten(string text, int length = 40) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
