using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Rooms;

/// <summary>
/// Who may do what in a private room: every role (and none) against every read and moderation method, on the real host.
/// Each case gets a room of its own, owned by "owner", with "moderator", "member", "muted" (muted for good) and "target"
/// as members, "banned" banned and "outsider" never invited; "admin" holds the admin role and no room role.
/// </summary>
public sealed class RoomAuthorizationMatrixTests(RoomHostFixture fixture) : IClassFixture<RoomHostFixture>
{
    private const string Ok = "ok";

    // What ListRooms answers a caller who may not see the room: no refusal, just no entry for it.
    private const string Unlisted = "unlisted";

    private static readonly string[] Roles = ["owner", "moderator", "member", "outsider", "banned", "muted", "admin"];

    // What each kind of method answers, by role: Ok or the contract code.
    private static readonly Dictionary<string, string> Read = Expect(owner: Ok, moderator: Ok, member: Ok, muted: Ok, admin: Ok);
    private static readonly Dictionary<string, string> Post = Expect(owner: Ok, moderator: Ok, member: Ok, muted: ErrorCodes.Muted, admin: Ok);
    private static readonly Dictionary<string, string> Moderate = Expect(owner: Ok, moderator: Ok, admin: Ok);
    private static readonly Dictionary<string, string> Own = Expect(owner: Ok, admin: Ok);
    private static readonly Dictionary<string, string> LeaveForGood = Expect(moderator: Ok, member: Ok, muted: Ok, admin: Ok);

    private static readonly Dictionary<string, string> Listed = Expect(owner: Ok, moderator: Ok, member: Ok, muted: Ok, admin: Ok, refused: Unlisted);

    // Methods a caller must have joined the room for (once they may read it).
    private static readonly HashSet<string> NeedJoined = [HubMethods.GetHistory, HubMethods.PostMessage, HubMethods.EditMessage, HubMethods.DeleteMessage, HubMethods.Typing];

    private static readonly Dictionary<string, (Dictionary<string, string> Expected, Func<Scene, Task<string>> Call)> Actions = new()
    {
        [HubMethods.JoinRoom] = (Read, s => Done(s.Caller.JoinRoomAsync(s.Room))),
        [HubMethods.GetHistory] = (Read, s => Done(s.Caller.GetHistoryAsync(s.Room, null, 10))),
        [HubMethods.PostMessage] = (Post, s => Done(s.Caller.PostMessageAsync(s.Room, "hello", null))),
        // The caller's own message where they may post one; a muted or outside caller is refused before the id matters.
        [HubMethods.EditMessage] = (Post, s => Done(s.Caller.EditMessageAsync(s.Room, s.OwnMessageId, "edited"))),
        // Someone else's message: only those who moderate may delete it.
        [HubMethods.DeleteMessage] = (Moderate, s => Done(s.Caller.DeleteMessageAsync(s.Room, s.OthersMessageId))),
        // A muted user's typing is dropped, not refused (it is no message).
        [HubMethods.Typing] = (Read, s => Done(s.Caller.TypingAsync(s.Room, true))),
        [HubMethods.MarkRead] = (Read, s => Done(s.Caller.MarkReadAsync(s.Room, 1))),
        [HubMethods.ListRooms] = (Listed, async s => (await s.Caller.ListRoomsAsync(s.Room, 200)).Any(r => r.Room == s.Room) ? Ok : Unlisted),
        [HubMethods.GetRoomInfo] = (Read, s => Done(s.Caller.GetRoomInfoAsync(s.Room))),
        [HubMethods.UpdateRoom] = (Moderate, s => Done(s.Caller.UpdateRoomAsync(s.Room, "new topic"))),
        [HubMethods.InviteToRoom] = (Moderate, s => Done(s.Caller.InviteAsync(s.Room, "newcomer"))),
        [HubMethods.SetRole] = (Own, s => Done(s.Caller.SetRoleAsync(s.Room, "target", RoomRoles.Moderator))),
        [HubMethods.KickFromRoom] = (Moderate, s => Done(s.Caller.KickAsync(s.Room, "target"))),
        [HubMethods.BanFromRoom] = (Moderate, s => Done(s.Caller.BanAsync(s.Room, "target"))),
        [HubMethods.UnbanFromRoom] = (Moderate, s => Done(s.Caller.UnbanAsync(s.Room, "banned"))),
        [HubMethods.MuteInRoom] = (Moderate, s => Done(s.Caller.MuteAsync(s.Room, "target", DateTime.UtcNow.AddHours(1)))),
        [HubMethods.UnmuteInRoom] = (Moderate, s => Done(s.Caller.UnmuteAsync(s.Room, "muted"))),
        [HubMethods.LeaveRoomForGood] = (LeaveForGood, s => Done(s.Caller.LeaveRoomForGoodAsync(s.Room))),
    };

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var action in Actions.Keys)
        {
            foreach (var role in Roles)
            {
                cases.Add(role, action);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachRoleGetsWhatTheContractSaysFromEachMethod(string role, string action)
    {
        var room = fixture.NewRoomName("matrix");
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await RoomHostFixture.SeedAsync(owner, room, "moderator", ["member", "target"], "banned", "muted");
        await using var caller = role switch
        {
            "owner" => null,
            "admin" => await fixture.ConnectAdminAsync("admin"),
            _ => await fixture.Host.ConnectAsync(role),
        };
        var client = caller ?? owner;
        var (expected, call) = Actions[action];
        // "target" (a member) has a message in the room: someone else's, for every caller.
        await using var target = await fixture.Host.ConnectAsync("target");
        await target.JoinRoomAsync(room).DefaultTimeout();
        var othersMessageId = (await target.PostMessageAsync(room, "target's message", null).DefaultTimeout()).Id;
        var ownMessageId = othersMessageId;
        if (NeedJoined.Contains(action) && Read[role] == Ok)
        {
            // These need a joined connection; a caller who may not read is refused before that matters.
            await client.JoinRoomAsync(room).DefaultTimeout();
            if (Post[role] == Ok)
            {
                ownMessageId = (await client.PostMessageAsync(room, "my message", null).DefaultTimeout()).Id;
            }
        }

        var answer = await AnswerAsync(() => call(new Scene(client, room, ownMessageId, othersMessageId)));

        Assert.Equal(expected[role], answer);
    }

    [Fact]
    public async Task ARoomModeratorDeletesAMembersMessageForEveryone()
    {
        var room = fixture.NewRoomName("moddelete");
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await RoomHostFixture.SeedAsync(owner, room, "moderator", ["member"], "banned", "muted");
        await using var member = await fixture.Host.ConnectAsync("member");
        await using var moderator = await fixture.Host.ConnectAsync("moderator");
        await member.JoinRoomAsync(room).DefaultTimeout();
        await moderator.JoinRoomAsync(room).DefaultTimeout();
        var message = await member.PostMessageAsync(room, "rude words", null).DefaultTimeout();

        var deletion = await moderator.DeleteMessageAsync(room, message.Id).DefaultTimeout();

        Assert.Equal((MessageKinds.Delete, message.Id, "moderator", string.Empty), (deletion.Kind, deletion.TargetId, deletion.UserId, deletion.Text));
        var stored = Assert.Single(await member.GetHistoryAsync(room, null, 10).DefaultTimeout(), m => m.Id == message.Id);
        Assert.Equal((string.Empty, true), (stored.Text, stored.DeletedAt is not null));
        // A member (no moderator) may not do the same to the moderator's message.
        var moderatorsMessage = await moderator.PostMessageAsync(room, "be nice", null).DefaultTimeout();
        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => member.DeleteMessageAsync(room, moderatorsMessage.Id)));
    }

    [Fact]
    public async Task AModeratorCannotActOnAnotherModeratorOrTheOwnerButTheOwnerCan()
    {
        var room = fixture.NewRoomName("peers");
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await RoomHostFixture.SeedAsync(owner, room, "moderator", ["other"], "banned", "muted");
        await owner.SetRoleAsync(room, "other", RoomRoles.Moderator).DefaultTimeout();
        await using var moderator = await fixture.Host.ConnectAsync("moderator");

        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => moderator.KickAsync(room, "other")));
        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => moderator.MuteAsync(room, "other")));
        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => moderator.BanAsync(room, "owner")));
        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => owner.BanAsync(room, "owner")));
        Assert.Equal(Ok, await AnswerAsync(() => owner.KickAsync(room, "other")));
    }

    [Fact]
    public async Task AHandOverMakesTheOldOwnerAModeratorWhoMayThenLeaveForGood()
    {
        var room = fixture.NewRoomName("handover");
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await RoomHostFixture.SeedAsync(owner, room, "moderator", ["heir"], "banned", "muted");

        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => owner.LeaveRoomForGoodAsync(room)));
        await owner.SetRoleAsync(room, "heir", RoomRoles.Owner).DefaultTimeout();
        var info = await owner.GetRoomInfoAsync(room).DefaultTimeout();

        Assert.Equal("heir", info.OwnerId);
        Assert.Equal(RoomRoles.Moderator, info.Members.Single(m => m.UserId == "owner").Role);
        Assert.Equal(Ok, await AnswerAsync(() => owner.LeaveRoomForGoodAsync(room)));
        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => owner.JoinRoomAsync(room)));
    }

    [Fact]
    public async Task BadArgumentsGetTheirCodesAndTheConnectionCarriesOn()
    {
        var room = fixture.NewRoomName("args");
        await using var owner = await fixture.Host.ConnectAsync("owner");

        Assert.Equal(ErrorCodes.InvalidMessage, await AnswerAsync(() => owner.CreateRoomAsync(room, "secret")));
        Assert.Equal(ErrorCodes.InvalidMessage, await AnswerAsync(() => owner.CreateRoomAsync(room, RoomKinds.Public, new string('t', 257))));
        Assert.Equal(ErrorCodes.InvalidRoom, await AnswerAsync(() => owner.CreateRoomAsync("-bad", RoomKinds.Public)));
        await owner.CreateRoomAsync(room, RoomKinds.Private).DefaultTimeout();
        Assert.Equal(ErrorCodes.RoomExists, await AnswerAsync(() => owner.CreateRoomAsync(room.ToUpperInvariant(), RoomKinds.Public)));
        Assert.Equal(ErrorCodes.InvalidUser, await AnswerAsync(() => owner.InviteAsync(room, "white space")));
        Assert.Equal(ErrorCodes.InvalidMessage, await AnswerAsync(() => owner.SetRoleAsync(room, "someone", "king")));
        Assert.Equal(ErrorCodes.InvalidMessage, await AnswerAsync(() => owner.BanAsync(room, "someone", DateTime.UtcNow.AddHours(-1))));
        Assert.Equal(ErrorCodes.NotFound, await AnswerAsync(() => owner.GetRoomInfoAsync(fixture.NewRoomName("nowhere"))));
        Assert.Equal("pong", await owner.PingAsync().DefaultTimeout());
    }

    [Fact]
    public async Task AnOpenRoomWithMessagesIsTakenButAnAdminMayClaimIt()
    {
        var room = fixture.NewRoomName("claim");
        await using var alice = await fixture.Host.ConnectAsync("alice");
        await alice.JoinRoomAsync(room).DefaultTimeout();
        await alice.PostMessageAsync(room, "first", null).DefaultTimeout();
        await using var admin = await fixture.ConnectAdminAsync("root");

        Assert.Equal(ErrorCodes.RoomExists, await AnswerAsync(() => alice.CreateRoomAsync(room, RoomKinds.Public)));
        var claimed = await admin.CreateRoomAsync(room, RoomKinds.Public, "now run").DefaultTimeout();

        Assert.Equal((RoomKinds.Public, "root", "now run"), (claimed.Kind, claimed.OwnerId, claimed.Topic));
        Assert.Equal("first", Assert.Single(await alice.GetHistoryAsync(room, null, 10).DefaultTimeout()).Text);
    }

    [Fact]
    public async Task AnAdminModeratesAnOpenRoomAndItsBanHoldsAfterTheRoomIsCreated()
    {
        var room = fixture.NewRoomName("open");
        await using var alice = await fixture.Host.ConnectAsync("alice");
        await using var admin = await fixture.ConnectAdminAsync("root");
        await alice.JoinRoomAsync(room).DefaultTimeout();
        await alice.PostMessageAsync(room, "hello", null).DefaultTimeout();

        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => alice.KickAsync(room, "root")));
        await admin.BanAsync(room, "alice").DefaultTimeout();
        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => alice.JoinRoomAsync(room)));
        await admin.CreateRoomAsync(room, RoomKinds.Public).DefaultTimeout();

        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => alice.JoinRoomAsync(room)));
        await admin.UnbanAsync(room, "alice").DefaultTimeout();
        Assert.Equal(Ok, await AnswerAsync(() => alice.JoinRoomAsync(room)));
    }

    [Fact]
    public async Task RoomChangesPastTheirAllowanceAreRateLimitedWhileSendingStillWorks()
    {
        var room = fixture.NewRoomName("flood");
        await using var owner = await fixture.Host.ConnectAsync("flooder");
        await owner.CreateRoomAsync(room, RoomKinds.Private).DefaultTimeout();
        await owner.JoinRoomAsync(room).DefaultTimeout();

        var refusals = 0;
        for (var i = 0; i < HubApp.Hubs.RateLimitFilter.ReadMarkersBurst + 10; i++)
        {
            refusals += await AnswerAsync(() => owner.InviteAsync(room, $"victim{i}")) == ErrorCodes.RateLimited ? 1 : 0;
        }

        Assert.InRange(refusals, 1, 11);
        Assert.Equal(ErrorCodes.RateLimited, await AnswerAsync(() => owner.InviteAsync(room, "one-more")));
        Assert.Equal(Ok, await AnswerAsync(() => owner.PostMessageAsync(room, "still talking", null)));
    }

    private static Dictionary<string, string> Expect(
        string? owner = null, string? moderator = null, string? member = null, string? muted = null, string? admin = null, string refused = ErrorCodes.Forbidden) => new()
    {
        ["owner"] = owner ?? refused,
        ["moderator"] = moderator ?? refused,
        ["member"] = member ?? refused,
        ["outsider"] = refused,
        ["banned"] = refused,
        ["muted"] = muted ?? refused,
        ["admin"] = admin ?? refused,
    };

    private static async Task<string> Done(Task call)
    {
        await call;
        return Ok;
    }

    private static Task<string> AnswerAsync(Func<Task> call) => AnswerAsync(() => Done(call()));

    private static async Task<string> AnswerAsync(Func<Task<string>> call)
    {
        try
        {
            return await call().DefaultTimeout();
        }
        catch (ChatException refused)
        {
            return refused.Code;
        }
    }

    /// <summary>One case's caller and room, with a message of the caller's own (where they may post) and one of someone else's.</summary>
    private sealed record Scene(ChatClient Caller, string Room, long OwnMessageId, long OthersMessageId);
}
