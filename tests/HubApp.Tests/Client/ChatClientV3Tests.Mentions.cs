using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Client;

public sealed partial class ChatClientV3Tests
{
    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task MentionedReachesTheNamedUserInARoomTheyHaveNotJoinedOnEveryConnectionAndNotTheAuthor(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = host.CreateClient("alice", protocol: protocol);
        await using var alicePhone = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        var mentions = new Inbox<ChatMessage>();
        var phoneMentions = new Inbox<ChatMessage>();
        var bobMentions = new Inbox<ChatMessage>();
        var received = new Inbox<ChatMessage>();
        alice.Mentioned += mentions.Add;
        alice.MessageReceived += received.Add;
        alicePhone.Mentioned += phoneMentions.Add;
        bob.Mentioned += bobMentions.Add;
        await alice.StartAsync().DefaultTimeout();
        await bob.JoinRoomAsync(Room).DefaultTimeout();

        var sent = await bob.SendMessageAsync(Room, "lunch, @Alice and @bob?").DefaultTimeout();
        var mention = await mentions.NextAsync();
        var onPhone = await phoneMentions.NextAsync();

        Assert.Equal((sent.Id, Room, sent.Text), (mention.Id, mention.Room, mention.Text));
        Assert.Contains("alice", mention.Mentions!);
        Assert.Equal(sent.Id, onPhone.Id);
        // Not joined: the room's entries do not come, only the mention. Nor does the author hear of their own.
        var sentinel = await bob.SendMessageAsync(Room, "@alice again").DefaultTimeout();
        Assert.Equal(sentinel.Id, (await mentions.NextAsync()).Id);
        Assert.Empty(received.All);
        Assert.Empty(bobMentions.All);
    }
}
