using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;

namespace HubApp.Client.Tests;

public sealed partial class ChatClientTests
{
    [Fact]
    public async Task EditMessageAsync_and_DeleteMessageAsync_return_their_entries_which_are_raised_once_in_id_order()
    {
        var (client, messages) = await StartJoinedClientAsync();
        var sent = await client.SendMessageAsync(Room, "helo").WaitAsync(Timeouts.Default);

        var edit = await client.EditMessageAsync(Room, sent.Id, "hello").WaitAsync(Timeouts.Default);
        var delete = await client.DeleteMessageAsync(Room, sent.Id).WaitAsync(Timeouts.Default);
        await messages.WaitForCountAsync(3);

        Assert.Equal((MessageKinds.Edit, (long?)sent.Id, "hello"), (edit.Kind, edit.TargetId, edit.Text));
        Assert.Equal((MessageKinds.Delete, (long?)sent.Id), (delete.Kind, delete.TargetId));
        Assert.Equal([sent, edit, delete], messages.Items);
    }

    [Fact]
    public async Task A_refused_edit_or_delete_throws_a_ChatException_with_the_servers_code_and_is_not_retried()
    {
        var (client, messages) = await StartJoinedClientAsync();

        var edit = await Assert.ThrowsAsync<ChatException>(() => client.EditMessageAsync(Room, 7, "x").WaitAsync(Timeouts.Default));
        var delete = await Assert.ThrowsAsync<ChatException>(() => client.DeleteMessageAsync(Room, 7).WaitAsync(Timeouts.Default));

        Assert.Equal([ErrorCodes.NotFound, ErrorCodes.NotFound], [edit.Code, delete.Code]);
        // A message after them is the first entry raised: nothing was stored for the refused ones, nor sent again.
        var after = await client.SendMessageAsync(Room, "after").WaitAsync(Timeouts.Default);
        await messages.WaitForCountAsync(1);
        Assert.Equal(1, after.Id);
        Assert.Equal([after], messages.Items);
    }
}
