using System.Buffers;

namespace HubApp.Client.Transport;

/// <summary>
/// The byte (0x1E) that ends every message of SignalR's JSON protocol. Sending up to and including
/// the last one keeps each WebSocket text message a whole number of records, so it is always valid
/// UTF-8 on its own: the receiving ManagedWebSocket validates every text message.
/// </summary>
internal static class RecordSeparator
{
    public const byte Value = 0x1E;

    /// <summary>The length of the prefix of <paramref name="buffer"/> that ends with its last separator; 0 when it has none.</summary>
    public static long CompleteLength(in ReadOnlySequence<byte> buffer)
    {
        long end = 0;
        long offset = 0;
        foreach (var segment in buffer)
        {
            var index = segment.Span.LastIndexOf(Value);
            if (index >= 0)
            {
                end = offset + index + 1;
            }

            offset += segment.Length;
        }

        return end;
    }
}
