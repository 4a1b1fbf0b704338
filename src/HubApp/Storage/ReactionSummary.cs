using System.Text.Json;
using HubApp.Contracts;

namespace HubApp.Storage;

/// <summary>
/// A message's reactions as its row keeps them (the <c>reactions</c> column, schema version 7): the summary every read
/// returns, so no read joins the reactions table. Written by hand, not by a serializer, to keep the format the store's
/// own: <c>[{"e":emoji,"n":count,"u":[user ids]}]</c>, emoji in the order they were first put on the message.
/// </summary>
internal static class ReactionSummary
{
    /// <summary>Most user ids listed per emoji (the contract's <c>Reaction.userIds</c>).</summary>
    public const int MaxListed = 50;

    public static IReadOnlyList<Reaction>? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var reactions = new List<Reaction>(document.RootElement.GetArrayLength());
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var users = item.GetProperty("u").EnumerateArray().Select(u => u.GetString()!).ToArray();
            reactions.Add(new Reaction(item.GetProperty("e").GetString()!, item.GetProperty("n").GetInt32(), users));
        }

        return reactions.Count == 0 ? null : reactions;
    }

    /// <summary>The column's value: null for no reactions, as the wire shape has it.</summary>
    public static string? Format(IReadOnlyList<Reaction>? reactions)
    {
        if (reactions is not { Count: > 0 })
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var reaction in reactions)
            {
                writer.WriteStartObject();
                writer.WriteString("e", reaction.Emoji);
                writer.WriteNumber("n", reaction.Count);
                writer.WriteStartArray("u");
                foreach (var user in reaction.UserIds)
                {
                    writer.WriteStringValue(user);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// <paramref name="current"/> with <paramref name="emoji"/>'s entry replaced by its count and listed users now (dropped
    /// at 0, appended when new), keeping the others and their order.
    /// </summary>
    public static IReadOnlyList<Reaction>? With(IReadOnlyList<Reaction>? current, string emoji, int count, IReadOnlyList<string> userIds)
    {
        var reactions = new List<Reaction>(current ?? []);
        var at = reactions.FindIndex(r => r.Emoji == emoji);
        if (count == 0)
        {
            if (at >= 0)
            {
                reactions.RemoveAt(at);
            }
        }
        else if (at >= 0)
        {
            reactions[at] = new Reaction(emoji, count, userIds);
        }
        else
        {
            reactions.Add(new Reaction(emoji, count, userIds));
        }

        return reactions.Count == 0 ? null : reactions;
    }
}
