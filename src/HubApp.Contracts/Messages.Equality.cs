namespace HubApp.Contracts;

// A record compares its list fields by reference, so two reads of one stored message (a MessageReceived event and a
// history page, say) would differ as soon as it carries mentions, reactions or a thread. These shapes compare their
// lists by their items instead: equal values are equal messages, as for every other field.

public sealed partial record ChatMessage
{
    public bool Equals(ChatMessage? other) =>
        other is not null
        && (Id, Room, UserId, UserName, Text, SentAt, Kind, TargetId, ClientMessageId, EditedAt, DeletedAt, ReplyToId, ThreadId, Thread)
            == (other.Id, other.Room, other.UserId, other.UserName, other.Text, other.SentAt, other.Kind, other.TargetId, other.ClientMessageId, other.EditedAt, other.DeletedAt, other.ReplyToId, other.ThreadId, other.Thread)
        && ListEquality.Same(Reactions, other.Reactions) && ListEquality.Same(Mentions, other.Mentions) && ListEquality.Same(Attachments, other.Attachments);

    public override int GetHashCode() => HashCode.Combine(Id, Room, Kind, Text);
}

public sealed partial record DirectMessage
{
    public bool Equals(DirectMessage? other) =>
        other is not null
        && (Id, FromUserId, FromUserName, ToUserId, Text, SentAt, ClientMessageId, Kind, TargetId, EditedAt, DeletedAt, ReplyToId)
            == (other.Id, other.FromUserId, other.FromUserName, other.ToUserId, other.Text, other.SentAt, other.ClientMessageId, other.Kind, other.TargetId, other.EditedAt, other.DeletedAt, other.ReplyToId)
        && ListEquality.Same(Reactions, other.Reactions) && ListEquality.Same(Attachments, other.Attachments);

    public override int GetHashCode() => HashCode.Combine(Id, FromUserId, ToUserId, Kind, Text);
}

public sealed partial record ThreadSummary
{
    public bool Equals(ThreadSummary? other) =>
        other is not null && (ReplyCount, LastReplyAt) == (other.ReplyCount, other.LastReplyAt) && ListEquality.Same(ParticipantIds, other.ParticipantIds);

    public override int GetHashCode() => HashCode.Combine(ReplyCount, LastReplyAt);
}

public sealed partial record Reaction
{
    public bool Equals(Reaction? other) => other is not null && (Emoji, Count) == (other.Emoji, other.Count) && ListEquality.Same(UserIds, other.UserIds);

    public override int GetHashCode() => HashCode.Combine(Emoji, Count);
}

internal static class ListEquality
{
    /// <summary>Both null, or the same items in the same order.</summary>
    public static bool Same<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);
}
