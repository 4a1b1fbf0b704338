using System.Threading.Channels;
using HubApp.Cli.Chat;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Cli;

/// <summary>The terminal chat (`hubapp chat`), typed into line by line, against the real host.</summary>
public sealed partial class ChatSessionTests
{
    [Fact]
    public async Task ATerminalUserJoinsChatsSeesPresenceTypingAndDirectMessagesAndGetsHumanErrors()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob", "Bob");
        var bobMessages = new Inbox<ChatMessage>();
        var bobDirect = new Inbox<DirectMessage>();
        bob.MessageReceived += bobMessages.Add;
        bob.DirectMessageReceived += bobDirect.Add;
        await bob.JoinRoomAsync("general").DefaultTimeout();
        await bob.SendMessageAsync("general", "earlier").DefaultTimeout();
        await using var terminal = await Terminal.StartAsync(host, "alice");

        terminal.Type("/join General");
        await terminal.WaitForAsync("— general: 2 present");
        await terminal.WaitForAsync("[general] Bob: earlier");
        terminal.Type("hello from the terminal");
        Assert.Equal("hello from the terminal", (await bobMessages.NextAsync(m => m.UserId == "alice")).Text);
        await bob.TypingAsync("general", true).DefaultTimeout();
        await terminal.WaitForAsync("… Bob is typing in general");
        await bob.SendMessageAsync("general", "hi alice").DefaultTimeout();
        await terminal.WaitForAsync("[general] Bob: hi alice");
        terminal.Type("/dm bob psst");
        Assert.Equal("psst", (await bobDirect.NextAsync()).Text);
        terminal.Type("/join -bad-");
        await terminal.WaitForAsync("! Room names are");
        terminal.Type("/room nowhere");
        await terminal.WaitForAsync("! You have not joined 'nowhere'");
        await bob.LeaveRoomAsync("general").DefaultTimeout();
        await terminal.WaitForAsync("← Bob left general");
        terminal.Type("/who");
        await terminal.WaitForAsync("— present in general: alice");
    }

    [Fact]
    public async Task TheTerminalChatSurvivesALostConnectionAndShowsWhatWasMissedOnce()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob", "Bob");
        await bob.JoinRoomAsync("general").DefaultTimeout();
        await using var terminal = await Terminal.StartAsync(host, "alice");
        terminal.Type("/join general");
        await terminal.WaitForAsync("— general:");

        host.Aborter.AbortUser("alice");
        await terminal.WaitForAsync("[connection lost, reconnecting…]");
        await bob.SendMessageAsync("general", "while you were away").DefaultTimeout();
        await terminal.WaitForAsync("[reconnected");
        await bob.SendMessageAsync("general", "welcome back").DefaultTimeout();
        await terminal.WaitForAsync("Bob: welcome back");

        Assert.Equal(1, terminal.Count("Bob: while you were away"));
        Assert.True(terminal.IndexOf("Bob: while you were away") < terminal.IndexOf("Bob: welcome back"));
    }

    [Fact]
    public async Task LinesTypedWhileReconnectingAreQueuedAndDeliveredOnceInOrderAfterTheReconnect()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob", "Bob");
        var bobMessages = new Inbox<ChatMessage>();
        bob.MessageReceived += bobMessages.Add;
        await bob.JoinRoomAsync("general").DefaultTimeout();
        // Alice's reconnects wait at her token provider until the test lets them through.
        var comeBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? gate = null;
        var alice = host.CreateClient("alice", tokenProvider: async ct =>
        {
            if (Volatile.Read(ref gate) is { } held)
            {
                await held.WaitAsync(TestTimeouts.Slow, ct);
            }

            return TestTokens.Create("alice");
        });
        await using var terminal = await Terminal.StartAsync(alice);
        terminal.Type("/join general");
        await terminal.WaitForAsync("— general:");

        Volatile.Write(ref gate, comeBack.Task);
        host.Aborter.AbortUser("alice");
        await terminal.WaitForAsync("[connection lost, reconnecting…]");
        terminal.Type("typed while away");
        terminal.Type("and another");
        await terminal.WaitForAsync("“and another” will be sent once reconnected");
        comeBack.SetResult();
        var first = await bobMessages.NextAsync(m => m.UserId == "alice", TestTimeouts.Slow);
        var second = await bobMessages.NextAsync(m => m.UserId == "alice");
        await terminal.WaitForAsync("alice: and another");

        Assert.Equal(["typed while away", "and another"], new[] { first.Text, second.Text });
        Assert.Equal(1, terminal.Count("alice: typed while away"));
        Assert.DoesNotContain(terminal.Lines, l => l.StartsWith('!'));
    }

    [Fact]
    public async Task TypingIsShownOnceUntilItStopsNotAtEveryRefresh()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:TypingPerSecond"] = "1000" });
        await using var bob = await host.ConnectAsync("bob", "Bob");
        await using var terminal = await Terminal.StartAsync(host, "alice");
        terminal.Type("/join general");
        await terminal.WaitForAsync("— general:");
        await bob.JoinRoomAsync("general").DefaultTimeout();

        foreach (var isTyping in new[] { true, true, true, false, true })
        {
            await bob.TypingAsync("general", isTyping).DefaultTimeout();
        }

        await bob.SendMessageAsync("general", "done").DefaultTimeout();
        await terminal.WaitForAsync("Bob: done");

        Assert.Equal(2, terminal.Count("Bob is typing in general"));
    }

    [Fact]
    public async Task EditAndDeleteCommandsChangeMessagesByNumberAndTheTerminalShowsThemFolded()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var bob = await host.ConnectAsync("bob", "Bob");
        await bob.JoinRoomAsync("general").DefaultTimeout();
        var bobs = await bob.SendMessageAsync("general", "a typo").DefaultTimeout();
        await using var terminal = await Terminal.StartAsync(host, "alice");
        terminal.Type("/join general");
        await terminal.WaitForAsync($"#{bobs.Id} [general] Bob: a typo");

        terminal.Type($"/edit {bobs.Id} not yours");
        await terminal.WaitForAsync("! You are not allowed to do that there.");
        terminal.Type("mine");
        await terminal.WaitForAsync("#2 [general] alice: mine");
        terminal.Type("/edit 2 mine, fixed");
        await terminal.WaitForAsync("#2 [general] alice: mine, fixed (edited)");
        await bob.DeleteMessageAsync("general", bobs.Id).DefaultTimeout();
        await terminal.WaitForAsync($"#{bobs.Id} [general] (message deleted by Bob)");
        terminal.Type("/delete 99");
        await terminal.WaitForAsync("! There is no such message or room.");

        // Joined afresh, the room reads in its current state: each message once, folded, no edit or delete lines.
        terminal.Type("/join general");
        await terminal.WaitForAsync($"#{bobs.Id} [general] (message deleted)");
        // Commands run one at a time: once /who answers, the join's listing is printed in full.
        terminal.Type("/who");
        await terminal.WaitForAsync("— present in general:");
        Assert.Equal(2, terminal.Count("alice: mine, fixed (edited)"));
        Assert.Equal(1, terminal.Count("(message deleted by Bob)"));
        Assert.Equal(2, terminal.Count("— general:"));
    }

    [Theory]
    [InlineData(ErrorCodes.RateLimited, "Slow down")]
    [InlineData(ErrorCodes.MessageTooLong, "too long")]
    [InlineData(ErrorCodes.Unavailable, "try again")]
    [InlineData("something_new", "something_new")]
    public void EveryErrorCodeHasAShortHumanMessage(string code, string expected) =>
        Assert.Contains(expected, ChatSession.Describe(code), StringComparison.Ordinal);

    /// <summary>A ChatSession with a keyboard the test types on and a screen it reads.</summary>
    private sealed class Terminal : IAsyncDisposable
    {
        private readonly Channel<string?> _keyboard = Channel.CreateUnbounded<string?>();
        private readonly Screen _screen = new();
        private readonly HubApp.Client.ChatClient _client;
        private readonly Task<int> _session;

        private Terminal(HubApp.Client.ChatClient client, string? downloads)
        {
            _client = client;
            var session = new ChatSession(client, new Keyboard(_keyboard.Reader), _screen) { DownloadDirectory = downloads ?? Path.GetTempPath() };
            _session = session.RunAsync([], CancellationToken.None);
        }

        public static Task<Terminal> StartAsync(HubAppHost host, string user, string? downloads = null) => StartAsync(host.CreateClient(user), downloads);

        public static async Task<Terminal> StartAsync(HubApp.Client.ChatClient client, string? downloads = null)
        {
            var terminal = new Terminal(client, downloads);
            await terminal.WaitForAsync("Connected.");
            return terminal;
        }

        public IReadOnlyList<string> Lines => _screen.Lines;

        public void Type(string line) => _keyboard.Writer.TryWrite(line);

        public Task WaitForAsync(string text) => _screen.WaitForAsync(text);

        public int Count(string text) => _screen.Lines.Count(l => l.Contains(text, StringComparison.Ordinal));

        public int IndexOf(string text) => _screen.Lines.FindIndex(l => l.Contains(text, StringComparison.Ordinal));

        public async ValueTask DisposeAsync()
        {
            Type("/quit");
            Assert.Equal(0, await _session.DefaultTimeout());
            await _client.DisposeAsync();
        }
    }

    private sealed class Keyboard(ChannelReader<string?> lines) : TextReader
    {
        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => await lines.ReadAsync(cancellationToken);
    }

    private sealed class Screen : StringWriter
    {
        private readonly Lock _gate = new();
        private readonly List<string> _lines = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Lines
        {
            get
            {
                lock (_gate)
                {
                    return [.. _lines];
                }
            }
        }

        public override void WriteLine(string? value)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _lines.AddRange((value ?? string.Empty).Split('\n'));
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        public async Task WaitForAsync(string text)
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Default);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                try
                {
                    await changed.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"The terminal never showed '{text}'. It shows:{Environment.NewLine}{string.Join(Environment.NewLine, Lines)}");
                }
            }
        }
    }
}
