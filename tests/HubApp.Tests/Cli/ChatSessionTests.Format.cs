using HubApp.Cli.Chat;
using HubApp.Contracts;

namespace HubApp.Tests.Cli;

public sealed partial class ChatSessionTests
{
    private static readonly DateTime At = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AMessageLineShowsItsReactionsAndItsThreadsSize()
    {
        var message = Line(3, "alice", "lunch?") with
        {
            Reactions = [new Reaction("👍", 2, ["bob", "carol"]), new Reaction("❤", 1, ["bob"])],
            Thread = new ThreadSummary(3, At, ["alice", "bob"]),
        };

        Assert.EndsWith("#3 [general] alice: lunch? [👍 2 ❤ 1] (3 replies)", ChatSession.Format(message), StringComparison.Ordinal);
        Assert.EndsWith("#3 [general] alice: lunch? (1 reply)", ChatSession.Format(message with { Reactions = [], Thread = new ThreadSummary(1, At, ["alice"]) }), StringComparison.Ordinal);
        Assert.EndsWith("#3 [general] alice: lunch?", ChatSession.Format(message with { Reactions = null, Thread = new ThreadSummary(0, null, ["alice"]) }), StringComparison.Ordinal);
    }

    [Fact]
    public void AReplyQuotesTheFirstWordsOfItsParentOnTheLineAboveOrItsNumberWhenNotHeld()
    {
        var parent = Line(1, "alice", "a rather long first message that goes on\nand on past the quote");
        var reply = Line(2, "bob", "agreed") with { ReplyToId = 1 };

        var lines = ChatSession.Format(reply, id => id == 1 ? parent : null).Split(Environment.NewLine);

        Assert.Equal("↪ alice: a rather long first message that goes o…", lines[0].Trim());
        Assert.EndsWith("#2 [general] bob: agreed", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("↪ #1", ChatSession.Format(reply).Trim(), StringComparison.Ordinal);
        Assert.StartsWith("↪ (deleted message)", ChatSession.Format(reply, _ => parent with { Text = string.Empty, DeletedAt = At }).Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void AThreadReplySaysWhoseThreadItIsInAndAReactionWhoseMessageIsNotHeldSaysWhoReacted()
    {
        Assert.EndsWith("#7 [general] bob in thread #3: me too", ChatSession.Format(Line(7, "bob", "me too") with { ThreadId = 3 }), StringComparison.Ordinal);
        var react = Line(8, "bob", "🎉") with { Kind = MessageKinds.React, TargetId = 3 };
        Assert.EndsWith("#3 [general] bob reacted 🎉", ChatSession.Format(react), StringComparison.Ordinal);
        Assert.EndsWith("#3 [general] bob took back 🎉", ChatSession.Format(react with { Kind = MessageKinds.Unreact }), StringComparison.Ordinal);
    }

    private static ChatMessage Line(long id, string user, string text) => new(id, "general", user, user, text, At);
}
