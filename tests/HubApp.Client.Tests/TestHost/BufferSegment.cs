using System.Buffers;

namespace HubApp.Client.Tests.TestHost;

/// <summary>Builds multi-segment sequences, as a pipe hands them out.</summary>
internal sealed class BufferSegment : ReadOnlySequenceSegment<byte>
{
    private BufferSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

    public static ReadOnlySequence<byte> Sequence(params byte[][] segments)
    {
        var first = new BufferSegment(segments[0]);
        var last = first;
        foreach (var bytes in segments.Skip(1))
        {
            var next = new BufferSegment(bytes) { RunningIndex = last.RunningIndex + last.Memory.Length };
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
