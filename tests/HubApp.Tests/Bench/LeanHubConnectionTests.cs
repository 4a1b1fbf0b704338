using System.Buffers;
using System.Text;
using HubApp.Bench;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;
using MessagePack;

namespace HubApp.Tests.Bench;

/// <summary>The load generator's lean client: SignalR's framing by hand, against the real host and frame by frame.</summary>
public sealed class LeanHubConnectionTests
{
    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task ConnectsJoinsSendsAndReceivesItsOwnDeliveryWithTheStampItSent(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, process: null, BenchClient.Lean, protocol);
        var stamps = new List<long>();
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = await target.ConnectAsync("lean-user", stamp =>
        {
            stamps.Add(stamp);
            delivered.TrySetResult();
        }, CancellationToken.None).DefaultTimeout();

        await connection.JoinRoomAsync("lean-room", CancellationToken.None).DefaultTimeout();
        await connection.SendStampedAsync("lean-room", 0x1234_5678_9abc).DefaultTimeout();
        await delivered.Task.DefaultTimeout();
        await connection.PingAsync(CancellationToken.None).DefaultTimeout();
        Assert.Equal([0x1234_5678_9abc], stamps);
        var id = await connection.PostStampedAsync("lean-room", 0x42, "lean-1").DefaultTimeout();
        var again = await connection.PostStampedAsync("lean-room", 0x43, "lean-1").DefaultTimeout();

        await using var reader = await host.ConnectAsync("history-reader");
        var stored = await RoomHistory.ReadAllAsync(reader, "lean-room");
        Assert.Equal(["0000123456789abc" + new string('.', 48), "0000000000000042" + new string('.', 48)], stored.Select(m => m.Text));
        Assert.Equal((stored[1].Id, stored[1].Id), (id, again)); // the stored message's id, and a repeat's the first one's
    }

    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task PostsADirectMessageThatBothUsersReceiveAsADeliveryWithItsStamp(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, process: null, BenchClient.Lean, protocol);
        var (senderStamps, recipientStamps) = (new List<long>(), new List<long>());
        var (senderGot, recipientGot) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await using var sender = await target.ConnectAsync("lean-sender", stamp =>
        {
            senderStamps.Add(stamp);
            senderGot.TrySetResult();
        }, CancellationToken.None).DefaultTimeout();
        await using var recipient = await target.ConnectAsync("lean-recipient", stamp =>
        {
            recipientStamps.Add(stamp);
            recipientGot.TrySetResult();
        }, CancellationToken.None).DefaultTimeout();

        var id = await sender.PostDirectStampedAsync("lean-recipient", 0x42, "lean-1").DefaultTimeout();
        var again = await sender.PostDirectStampedAsync("lean-recipient", 0x43, "lean-1").DefaultTimeout();
        await Task.WhenAll(senderGot.Task, recipientGot.Task).DefaultTimeout();
        await sender.PingAsync(CancellationToken.None).DefaultTimeout();
        await recipient.PingAsync(CancellationToken.None).DefaultTimeout();

        // The sender's own copy and the recipient's; a repeat is delivered to no one.
        Assert.Equal([0x42], senderStamps);
        Assert.Equal([0x42], recipientStamps);
        await using var reader = await host.ConnectAsync("lean-recipient");
        var stored = Assert.Single(await reader.GetDirectHistoryAsync("lean-sender", null, 10));
        Assert.Equal((id, id, "0000000000000042" + new string('.', 48)), (stored.Id, again, stored.Text));
    }

    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task PostsAThreadReplyAndReactsAsTheContractsDraftAndArgumentsSay(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, process: null, BenchClient.Lean, protocol);
        await using var connection = await target.ConnectAsync("lean-user", null, CancellationToken.None).DefaultTimeout();
        await connection.JoinRoomAsync("lean-room", CancellationToken.None).DefaultTimeout();

        var root = await connection.PostStampedAsync("lean-room", 0x42, "lean-1").DefaultTimeout();
        var again = await connection.PostStampedAsync("lean-room", 0x43, "lean-1").DefaultTimeout();
        var reply = await connection.PostDraftStampedAsync("lean-room", 0x44, "lean-2", threadId: root).DefaultTimeout();
        await connection.ReactAsync("lean-room", root, "\U0001F44D", add: true).DefaultTimeout();

        await using var reader = await host.ConnectAsync("history-reader");
        var stored = await RoomHistory.ReadAllAsync(reader, "lean-room");
        var dots = new string('.', 48);
        Assert.Equal(root, again); // a repeat is answered with the first one's id
        var (first, threaded) = (stored.Single(m => m.Id == root), stored.Single(m => m.Id == reply));
        Assert.Equal("0000000000000042" + dots, first.Text);
        Assert.Equal((root, "0000000000000044" + dots), (threaded.ThreadId, threaded.Text));
        Assert.Equal(1, first.Thread?.ReplyCount);
        var reaction = Assert.Single(first.Reactions!);
        Assert.Equal(("\U0001F44D", 1), (reaction.Emoji, reaction.Count));
        Assert.Single(stored, m => m.Kind == MessageKinds.React && m.TargetId == root);
    }

    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task AHubErrorFailsTheCallWithItsMessage(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, process: null, BenchClient.Lean, protocol);
        await using var connection = await target.ConnectAsync("lean-user", null, CancellationToken.None).DefaultTimeout();

        // Not joined: the hub refuses with not_in_room.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => connection.SendStampedAsync("never-joined", 1).DefaultTimeout());

        Assert.Contains("not_in_room", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AJsonInvocationIsOneRecordWithTheStampAsHexText()
    {
        var output = new ArrayBufferWriter<byte>();

        LeanHubConnection.WriteInvocation(ChatProtocol.Json, output, 7, LeanInvocation.SendMessage("room-1", 0xabc));

        Assert.Equal("""{"type":1,"invocationId":"7","target":"SendMessage","arguments":["room-1","0000000000000abc""" + new string('.', 48) + "\"]}\u001e",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void AMessagePackInvocationIsLengthPrefixedAndReadsBackAsSignalRWritesIt()
    {
        var output = new ArrayBufferWriter<byte>();

        LeanHubConnection.WriteInvocation(ChatProtocol.MessagePack, output, 12, LeanInvocation.JoinRoom("room-1"));

        Assert.True(LeanHubConnection.TryFindFrame(ChatProtocol.MessagePack, output.WrittenSpan, out var start, out var length, out var consumed));
        Assert.Equal(output.WrittenCount, consumed);
        var reader = new MessagePackReader(output.WrittenMemory.Slice(start, length));
        Assert.Equal(5, reader.ReadArrayHeader());
        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal(0, reader.ReadMapHeader());
        Assert.Equal("12", reader.ReadString());
        Assert.Equal("JoinRoom", reader.ReadString());
        Assert.Equal(2, reader.ReadArrayHeader());
        Assert.Equal("room-1", reader.ReadString());
        Assert.True(reader.TryReadNil());
        Assert.True(reader.End);
    }

    [Fact]
    public void AJsonDraftIsTheContractsObjectWithEveryKeyAndItsNulls()
    {
        var output = new ArrayBufferWriter<byte>();

        LeanHubConnection.WriteInvocation(ChatProtocol.Json, output, 3, LeanInvocation.Post("room-1", 0xabc, "c-1", threadId: 42));
        LeanHubConnection.WriteInvocation(ChatProtocol.Json, output, 4, LeanInvocation.Post("room-1", 0xabc, "c-2", threadId: null));

        var text = "0000000000000abc" + new string('.', 48);
        Assert.Equal(
            $$"""{"type":1,"invocationId":"3","target":"Post","arguments":["room-1",{"text":"{{text}}","clientMessageId":"c-1","replyToId":null,"threadId":42,"attachmentIds":null}]}""" + "\u001e" +
            $$"""{"type":1,"invocationId":"4","target":"Post","arguments":["room-1",{"text":"{{text}}","clientMessageId":"c-2","replyToId":null,"threadId":null,"attachmentIds":null}]}""" + "\u001e",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void AJsonReactionAndPostMessageCarryTheirArgumentsInTheContractsOrder()
    {
        var output = new ArrayBufferWriter<byte>();

        LeanHubConnection.WriteInvocation(ChatProtocol.Json, output, 5, LeanInvocation.React("room-1", 17, "x", add: false));
        LeanHubConnection.WriteInvocation(ChatProtocol.Json, output, 6, LeanInvocation.PostMessage("room-1", 1, "c-3"));

        var frames = Encoding.UTF8.GetString(output.WrittenSpan).Split('\u001e', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("""{"type":1,"invocationId":"5","target":"React","arguments":["room-1",17,"x",false]}""", frames[0]);
        Assert.Equal("""{"type":1,"invocationId":"6","target":"PostMessage","arguments":["room-1","0000000000000001""" + new string('.', 48) + "\",\"c-3\"]}", frames[1]);
    }

    [Fact]
    public void AMessagePackDraftIsAMapWithTheContractsCamelCaseKeysAndReadsBackAsADraft()
    {
        var output = new ArrayBufferWriter<byte>();

        LeanHubConnection.WriteInvocation(ChatProtocol.MessagePack, output, 9, LeanInvocation.Post("room-1", 0xabc, "c-1", threadId: 42));

        Assert.True(LeanHubConnection.TryFindFrame(ChatProtocol.MessagePack, output.WrittenSpan, out var start, out var length, out _));
        var reader = new MessagePackReader(output.WrittenMemory.Slice(start, length));
        Assert.Equal(5, reader.ReadArrayHeader());
        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal(0, reader.ReadMapHeader());
        Assert.Equal("9", reader.ReadString());
        Assert.Equal("Post", reader.ReadString());
        Assert.Equal(2, reader.ReadArrayHeader());
        Assert.Equal("room-1", reader.ReadString());
        var keys = new List<string?>();
        var draft = reader.CreatePeekReader();
        for (var fields = draft.ReadMapHeader(); fields > 0; fields--)
        {
            keys.Add(draft.ReadString());
            draft.Skip();
        }

        Assert.Equal(["text", "clientMessageId", "replyToId", "threadId", "attachmentIds"], keys);
        var read = MessagePackSerializer.Deserialize<Draft>(output.WrittenMemory.Slice(start + (int)reader.Consumed, length - (int)reader.Consumed));
        Assert.Equal(new Draft("0000000000000abc" + new string('.', 48), "c-1", ReplyToId: null, ThreadId: 42, AttachmentIds: null), read);
    }

    [Fact]
    public void AMessagePackReactionIsRoomIdEmojiAndFlag()
    {
        var output = new ArrayBufferWriter<byte>();

        LeanHubConnection.WriteInvocation(ChatProtocol.MessagePack, output, 2, LeanInvocation.React("room-1", 17, "\U0001F44D", add: true));

        Assert.True(LeanHubConnection.TryFindFrame(ChatProtocol.MessagePack, output.WrittenSpan, out var start, out var length, out _));
        var reader = new MessagePackReader(output.WrittenMemory.Slice(start, length));
        reader.ReadArrayHeader();
        reader.Skip();
        reader.Skip();
        reader.Skip();
        Assert.Equal("React", reader.ReadString());
        Assert.Equal(4, reader.ReadArrayHeader());
        Assert.Equal(("room-1", 17L, "\U0001F44D", true), (reader.ReadString(), reader.ReadInt64(), reader.ReadString(), reader.ReadBoolean()));
        Assert.True(reader.End);
    }

    [Fact]
    public void ACompletionsResultGivesTheStoredMessagesIdInBothProtocols()
    {
        var json = """{"type":3,"invocationId":"8","result":{"room":"r","reactions":[{"id":99}],"id":1234,"thread":{"id":5}}}"""u8.ToArray();
        var messagePack = Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(3);
            w.WriteMapHeader(0);
            w.Write("8");
            w.Write(3);
            w.WriteMapHeader(2);
            w.Write("room");
            w.Write("r");
            w.Write("id");
            w.Write(1234);
        });

        Assert.Equal(new LeanHubConnection.Frame(LeanHubConnection.FrameKind.Completion, -1, 8, null, 1234), LeanHubConnection.ReadFrame(ChatProtocol.Json, json));
        Assert.Equal(new LeanHubConnection.Frame(LeanHubConnection.FrameKind.Completion, -1, 8, null, 1234), LeanHubConnection.ReadFrame(ChatProtocol.MessagePack, messagePack));
        Assert.Equal(-1, LeanHubConnection.ReadFrame(ChatProtocol.Json, """{"type":3,"invocationId":"9","result":"pong"}"""u8.ToArray()).ResultId);
    }

    [Fact]
    public void AJsonDeliveryGivesItsStampAndACompletionItsIdAndError()
    {
        var delivery = """{"type":1,"target":"MessageReceived","arguments":[{"id":3,"room":"r","userId":"u","userName":"u","text":"00000000000004d2.....","sentAt":"2026-01-01T00:00:00Z","kind":"message","targetId":null}]}"""u8.ToArray();
        var completion = """{"type":3,"invocationId":"41","error":"not_in_room: join first"}"""u8.ToArray();
        var result = """{"type":3,"invocationId":"42","result":{"room":"r","members":[],"messages":[{"text":"x"}],"complete":true}}"""u8.ToArray();

        Assert.Equal(new LeanHubConnection.Frame(LeanHubConnection.FrameKind.Delivery, 0x4d2, -1, null), LeanHubConnection.ReadFrame(ChatProtocol.Json, delivery));
        Assert.Equal(new LeanHubConnection.Frame(LeanHubConnection.FrameKind.Completion, -1, 41, "not_in_room: join first"), LeanHubConnection.ReadFrame(ChatProtocol.Json, completion));
        Assert.Equal(new LeanHubConnection.Frame(LeanHubConnection.FrameKind.Completion, -1, 42, null), LeanHubConnection.ReadFrame(ChatProtocol.Json, result));
        Assert.Equal(LeanHubConnection.FrameKind.Other, LeanHubConnection.ReadFrame(ChatProtocol.Json, """{"type":6}"""u8.ToArray()).Kind);
    }

    [Fact]
    public void AMessagePackDeliveryGivesItsStampAndACompletionItsError()
    {
        var delivery = Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(1);
            w.WriteMapHeader(0);
            w.WriteNil();
            w.Write("MessageReceived");
            w.WriteArrayHeader(1);
            w.WriteMapHeader(3);
            w.Write("id");
            w.Write(3);
            w.Write("text");
            w.Write("00000000000004d2....");
            w.Write("sentAt");
            w.Write(DateTime.UnixEpoch);
        });
        var completion = Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            w.Write(3);
            w.WriteMapHeader(0);
            w.Write("41");
            w.Write(1);
            w.Write("not_in_room: join first");
        });

        Assert.Equal(new LeanHubConnection.Frame(LeanHubConnection.FrameKind.Delivery, 0x4d2, -1, null), LeanHubConnection.ReadFrame(ChatProtocol.MessagePack, delivery));
        Assert.Equal(new LeanHubConnection.Frame(LeanHubConnection.FrameKind.Completion, -1, 41, "not_in_room: join first"), LeanHubConnection.ReadFrame(ChatProtocol.MessagePack, completion));
    }

    [Fact]
    public void AFrameNotYetWhollyReceivedIsNotFound()
    {
        var json = """{"type":6}"""u8.ToArray();
        var messagePack = new byte[] { 0x82, 0x01 }; // length 130, two bytes of prefix, no body yet

        Assert.False(LeanHubConnection.TryFindFrame(ChatProtocol.Json, json, out _, out _, out _));
        Assert.True(LeanHubConnection.TryFindFrame(ChatProtocol.Json, [.. json, 0x1E, .. json], out _, out var length, out var consumed));
        Assert.Equal((json.Length, json.Length + 1), (length, consumed));
        Assert.False(LeanHubConnection.TryFindFrame(ChatProtocol.MessagePack, messagePack, out _, out _, out _));
        Assert.True(LeanHubConnection.TryFindFrame(ChatProtocol.MessagePack, [.. messagePack, .. new byte[130]], out var start, out length, out _));
        Assert.Equal((2, 130), (start, length));
    }

    private delegate void WriteBody(ref MessagePackWriter writer);

    private static byte[] Frame(WriteBody write)
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(body);
        write(ref writer);
        writer.Flush();
        return body.WrittenSpan.ToArray();
    }
}
