using HubApp.Contracts;

namespace HubApp.Client.Tests;

public sealed partial class ChatClientTests
{
    [Fact]
    public async Task A_delivery_dropped_on_the_way_is_repaired_by_a_catch_up_and_the_app_sees_each_id_once_in_order()
    {
        var (client, messages) = await StartJoinedClientAsync();
        var first = await _chat.AppendAndPublishAsync(Room, "one");
        await messages.WaitForCountAsync(1);
        // Stored but never delivered, as a backplane outage would lose it.
        var dropped = _chat.Append(Room, "two, dropped");
        ChatMessage? duringRepair = null;
        _chat.AfterSnapshot = async (room, sinceId) =>
        {
            if (sinceId == first.Id)
            {
                duringRepair ??= await _chat.AppendAndPublishAsync(room, "four, sent during the repair");
            }
        };

        var third = await _chat.AppendAndPublishAsync(Room, "three");
        await messages.WaitForAsync(items => items.Count >= 4);
        _chat.AfterSnapshot = null;
        var sentinel = await _chat.AppendAndPublishAsync(Room, "five");
        await messages.WaitForAsync(items => items.Contains(sentinel));

        Assert.Equal(Ids([first, dropped, third, duringRepair!, sentinel]), Ids(messages.Items));
        Assert.Equal([1L, 2, 3, 4, 5], Ids(messages.Items));
        // The join, then one repair from the last id before the gap.
        Assert.Equal([(Room, (long?)null), (Room, first.Id)], _chat.Joins);
        Assert.Equal(sentinel.Id, client.LastSeenIds[Room]);
    }
}
