using System.Text;
using System.Text.Json;
using HubApp.Contracts;

namespace HubApp.Storage;

/// <summary>
/// A message's attachments as its row keeps them (the <c>attachments</c> column, SQLite schema version 9, PostgreSQL store
/// version 7), so that every read returns them without a join: <c>[{"i":id,"n":name,"t":type,"s":size,"w":width,"h":height}]</c>
/// in the draft's order. The URLs follow from the id and are not stored.
/// </summary>
internal static class AttachmentSummary
{
    public static IReadOnlyList<Attachment>? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var attachments = new List<Attachment>(document.RootElement.GetArrayLength());
        foreach (var item in document.RootElement.EnumerateArray())
        {
            attachments.Add(StoredAttachment.Describe(
                item.GetProperty("i").GetString()!,
                item.GetProperty("n").GetString()!,
                item.GetProperty("t").GetString()!,
                item.GetProperty("s").GetInt64(),
                item.TryGetProperty("w", out var w) ? w.GetInt32() : null,
                item.TryGetProperty("h", out var h) ? h.GetInt32() : null));
        }

        return attachments.Count == 0 ? null : attachments;
    }

    /// <summary>The column's value: null for no attachments, as the wire shape has it.</summary>
    public static string? Format(IReadOnlyList<Attachment>? attachments)
    {
        if (attachments is not { Count: > 0 })
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var a in attachments)
            {
                json.WriteStartObject();
                json.WriteString("i", a.Id);
                json.WriteString("n", a.Name);
                json.WriteString("t", a.ContentType);
                json.WriteNumber("s", a.Size);
                if (a.Width is { } width && a.Height is { } height)
                {
                    json.WriteNumber("w", width);
                    json.WriteNumber("h", height);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
