using System.Buffers;
using HubApp.Client.Tests.TestHost;
using HubApp.Client.Transport;

namespace HubApp.Client.Tests.Transport;

public class RecordSeparatorTests
{
    [Fact]
    public void A_buffer_without_a_separator_has_no_complete_part()
    {
        Assert.Equal(0, RecordSeparator.CompleteLength(new ReadOnlySequence<byte>("{\"type\":6"u8.ToArray())));
    }

    [Fact]
    public void The_complete_part_ends_at_the_last_separator_of_a_single_segment()
    {
        var bytes = "{}\u001e{}\u001e{\"ty"u8.ToArray();
        Assert.Equal(6, RecordSeparator.CompleteLength(new ReadOnlySequence<byte>(bytes)));
    }

    [Fact]
    public void The_complete_part_ends_at_the_last_separator_across_segments()
    {
        var sequence = BufferSegment.Sequence("{}\u001e{"u8.ToArray(), "\"a\":1}\u001e"u8.ToArray(), "{\"b\""u8.ToArray());
        Assert.Equal(11, RecordSeparator.CompleteLength(sequence));
    }

    [Fact]
    public void A_separator_in_an_earlier_segment_counts_when_later_ones_have_none()
    {
        var sequence = BufferSegment.Sequence("{}\u001e"u8.ToArray(), "{\"x\":\"\u00e9"u8.ToArray());
        Assert.Equal(3, RecordSeparator.CompleteLength(sequence));
    }
}
