using HubApp.Contracts;
using MessagePack;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Tests.Contracts;

/// <summary>The MessagePack protocol carries the contract's shapes with the JSON protocol's camelCase keys.</summary>
public sealed class MessagePackShapeTests
{
    private static readonly MessagePackSerializerOptions SignalROptions = new MessagePackHubProtocolOptions().SerializerOptions;

    [Fact]
    public void AChatMessageIsAMapWithCamelCaseKeysAndATimestamp()
    {
        var sentAt = new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);
        var message = new ChatMessage(42, "general", "alice", "Alice", "héllo 👋", sentAt);

        var bytes = MessagePackSerializer.Serialize(message, SignalROptions);

        Assert.Equal(
            """{"id":42,"room":"general","userId":"alice","userName":"Alice","text":"héllo 👋","sentAt":"2026-12-01T09:30:00.0000000Z","kind":"message","targetId":null,"clientMessageId":null,"editedAt":null,"deletedAt":null,"replyToId":null,"threadId":null,"thread":null,"reactions":null,"mentions":null,"attachments":null}""",
            MessagePackSerializer.ConvertToJson(bytes, SignalROptions));
        var reader = new MessagePackReader(bytes);
        reader.ReadMapHeader();
        for (var i = 0; i < 5; i++)
        {
            reader.Skip();
            reader.Skip();
        }

        reader.Skip();
        Assert.Equal(MessagePackType.Extension, reader.NextMessagePackType);
        Assert.Equal(ReservedMessagePackExtensionTypeCode.DateTime, reader.ReadExtensionFormatHeader().TypeCode);
    }

    [Fact]
    public void TheV2FieldsOfAChatMessageAndADirectMessageRoundTrip()
    {
        var at = new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);
        var edit = new ChatMessage(3, "general", "alice", "Alice", "fixed", at, MessageKinds.Edit, TargetId: 2, ClientMessageId: "c-1", EditedAt: at.AddSeconds(1), DeletedAt: at.AddSeconds(2));
        var direct = new DirectMessage(7, "alice", "Alice", "bob", "psst", at, "dm_1");

        Assert.Equal(edit, MessagePackSerializer.Deserialize<ChatMessage>(MessagePackSerializer.Serialize(edit, SignalROptions), SignalROptions));
        Assert.Equal(direct, MessagePackSerializer.Deserialize<DirectMessage>(MessagePackSerializer.Serialize(direct, SignalROptions), SignalROptions));
        Assert.Equal(
            """{"id":7,"fromUserId":"alice","fromUserName":"Alice","toUserId":"bob","text":"psst","sentAt":"2026-12-01T09:30:00.0000000Z","clientMessageId":"dm_1","kind":"message","targetId":null,"editedAt":null,"deletedAt":null,"replyToId":null,"reactions":null,"attachments":null}""",
            MessagePackSerializer.ConvertToJson(MessagePackSerializer.Serialize(direct, SignalROptions), SignalROptions));
    }

    [Fact]
    public void TheV3FieldsOfAChatMessageAndADirectMessageAreMapsWithCamelCaseKeysAndRoundTrip()
    {
        var at = new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);
        var file = new Attachment("a1", "cat.png", "image/png", 1234, 64, 48, "/api/attachments/a1", "/api/attachments/a1/thumbnail");
        var root = new ChatMessage(
            5, "general", "alice", "Alice", "hi @bob", at, ReplyToId: 2, ThreadId: null, Thread: new ThreadSummary(2, at, ["alice", "bob"]),
            Reactions: [new Reaction("👍", 2, ["alice", "bob"])], Mentions: ["bob"], Attachments: [file]);
        var direct = new DirectMessage(9, "alice", "Alice", "bob", "👍", at, null, MessageKinds.React, TargetId: 7, ReplyToId: null, Reactions: [new Reaction("x", 1, ["bob"])]);

        var rootJson = MessagePackSerializer.ConvertToJson(MessagePackSerializer.Serialize(root, SignalROptions), SignalROptions);
        var rootBack = MessagePackSerializer.Deserialize<ChatMessage>(MessagePackSerializer.Serialize(root, SignalROptions), SignalROptions);
        var directBack = MessagePackSerializer.Deserialize<DirectMessage>(MessagePackSerializer.Serialize(direct, SignalROptions), SignalROptions);

        Assert.Contains("""
            "replyToId":2,"threadId":null,"thread":{"replyCount":2,"lastReplyAt":"2026-12-01T09:30:00.0000000Z","participantIds":["alice","bob"]},"reactions":[{"emoji":"👍","count":2,"userIds":["alice","bob"]}],"mentions":["bob"],"attachments":[{"id":"a1","name":"cat.png","contentType":"image/png","size":1234,"width":64,"height":48,"url":"/api/attachments/a1","thumbnailUrl":"/api/attachments/a1/thumbnail"}]}
            """, rootJson, StringComparison.Ordinal);
        Assert.Equal((2L, 2, "bob", "👍", "bob", file), (rootBack.ReplyToId, rootBack.Thread!.ReplyCount, rootBack.Mentions![0], rootBack.Reactions![0].Emoji, rootBack.Reactions[0].UserIds[1], rootBack.Attachments![0]));
        Assert.Equal((MessageKinds.React, 7L, "x"), (directBack.Kind, directBack.TargetId, directBack.Reactions![0].Emoji));
    }

    [Fact]
    public void EveryShapeRoundTrips()
    {
        var at = new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);
        var message = new ChatMessage(1, "general", "alice", "Alice", "hi", at);
        var snapshot = new RoomSnapshot("general", [new Member("alice", "Alice")], [message], Complete: true);

        var back = MessagePackSerializer.Deserialize<RoomSnapshot>(MessagePackSerializer.Serialize(snapshot, SignalROptions), SignalROptions);

        Assert.Equal(snapshot.Room, back.Room);
        Assert.Equal(snapshot.Members, back.Members);
        Assert.Equal(snapshot.Messages, back.Messages);
        Assert.True(back.Complete);
        Assert.Equal(
            new DirectMessage(7, "alice", "Alice", "bob", "psst", at),
            MessagePackSerializer.Deserialize<DirectMessage>(MessagePackSerializer.Serialize(new DirectMessage(7, "alice", "Alice", "bob", "psst", at), SignalROptions), SignalROptions));
        Assert.Equal(
            new PresenceEvent("general", "bob", "Bob", at),
            MessagePackSerializer.Deserialize<PresenceEvent>(MessagePackSerializer.Serialize(new PresenceEvent("general", "bob", "Bob", at), SignalROptions), SignalROptions));
        Assert.Equal(
            new TypingEvent("general", "bob", "Bob", true),
            MessagePackSerializer.Deserialize<TypingEvent>(MessagePackSerializer.Serialize(new TypingEvent("general", "bob", "Bob", true), SignalROptions), SignalROptions));
    }

    [Fact]
    public void TheV2ReadStateShapesRoundTripWithCamelCaseKeys()
    {
        var at = new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);
        var direct = new DirectMessage(7, "alice", "Alice", "bob", "psst", at);
        var snapshot = new RoomSnapshot("general", [], [], Complete: true, LastReadId: 41, UnreadCount: 3);
        var conversation = new Conversation("bob", "Bob", direct, LastReadId: 6, UnreadCount: 1);
        var marker = new ReadMarker(null, "bob", 7);

        var snapshotBack = MessagePackSerializer.Deserialize<RoomSnapshot>(MessagePackSerializer.Serialize(snapshot, SignalROptions), SignalROptions);
        var syncBack = MessagePackSerializer.Deserialize<DirectSync>(MessagePackSerializer.Serialize(new DirectSync([direct], Complete: false), SignalROptions), SignalROptions);

        Assert.Equal((41L, 3), (snapshotBack.LastReadId, snapshotBack.UnreadCount));
        Assert.Equal([direct], syncBack.Messages);
        Assert.False(syncBack.Complete);
        Assert.Equal(conversation, MessagePackSerializer.Deserialize<Conversation>(MessagePackSerializer.Serialize(conversation, SignalROptions), SignalROptions));
        Assert.Equal(
            """{"room":null,"userId":"bob","lastReadId":7}""",
            MessagePackSerializer.ConvertToJson(MessagePackSerializer.Serialize(marker, SignalROptions), SignalROptions));
    }

    [Fact]
    public void TheV3ListShapesRoundTripWithCamelCaseKeys()
    {
        var at = new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);
        var room = new MyRoom("general", RoomKinds.Public, "chat", 42, at, 40, 2, 1);
        var ban = new RoomBan("dave", null, "alice", at);
        var snapshot = new RoomSnapshot("general", [], [], Complete: true, LastReadId: 41, UnreadCount: 3, MentionCount: 2);

        Assert.Equal(room, MessagePackSerializer.Deserialize<MyRoom>(MessagePackSerializer.Serialize(room, SignalROptions), SignalROptions));
        Assert.Equal(ban, MessagePackSerializer.Deserialize<RoomBan>(MessagePackSerializer.Serialize(ban, SignalROptions), SignalROptions));
        Assert.Equal(2, MessagePackSerializer.Deserialize<RoomSnapshot>(MessagePackSerializer.Serialize(snapshot, SignalROptions), SignalROptions).MentionCount);
        Assert.StartsWith(
            """{"userId":"dave","until":null,"byUserId":"alice","at":""",
            MessagePackSerializer.ConvertToJson(MessagePackSerializer.Serialize(ban, SignalROptions), SignalROptions),
            StringComparison.Ordinal);
    }
}
