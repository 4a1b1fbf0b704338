using HubApp.Client;
using HubApp.Contracts;
using HubApp.Tests.Infrastructure;

namespace HubApp.Tests.Rooms;

/// <summary>
/// Who may do what in a private room: every role (and none) against every read and moderation method, on the real host.
/// Each case gets a room of its own, owned by "owner", with "moderator", "member", "muted" (muted for good) and "target"
/// as members, "banned" banned and "outsider" never invited; "admin" holds the admin role and no room role.
/// </summary>
public sealed class RoomAuthorizationMatrixTests(RoomHostFixture fixture) : IClassFixture<RoomHostFixture>
{
    private const string Ok = "ok";

    private static readonly string[] Roles = ["owner", "moderator", "member", "outsider", "banned", "muted", "admin"];

    // What each kind of method answers, by role: Ok or the contract code.
    private static readonly Dictionary<string, string> Read = Expect(owner: Ok, moderator: Ok, member: Ok, muted: Ok, admin: Ok);
    private static readonly Dictionary<string, string> Post = Expect(owner: Ok, moderator: Ok, member: Ok, muted: ErrorCodes.Muted, admin: Ok);
    private static readonly Dictionary<string, string> Moderate = Expect(owner: Ok, moderator: Ok, admin: Ok);
    private static readonly Dictionary<string, string> Own = Expect(owner: Ok, admin: Ok);
    private static readonly Dictionary<string, string> LeaveForGood = Expect(moderator: Ok, member: Ok, muted: Ok, admin: Ok);

    private static readonly Dictionary<string, (Dictionary<string, string> Expected, Func<ChatClient, string, Task> Call)> Actions = new()
    {
        [HubMethods.JoinRoom] = (Read, (c, room) => c.JoinRoomAsync(room)),
        [HubMethods.GetHistory] = (Read, (c, room) => c.GetHistoryAsync(room, null, 10)),
        [HubMethods.PostMessage] = (Post, (c, room) => c.PostMessageAsync(room, "hello", null)),
        [HubMethods.MarkRead] = (Read, (c, room) => c.MarkReadAsync(room, 1)),
        [HubMethods.GetRoomInfo] = (Read, (c, room) => c.GetRoomInfoAsync(room)),
        [HubMethods.UpdateRoom] = (Moderate, (c, room) => c.UpdateRoomAsync(room, "new topic")),
        [HubMethods.InviteToRoom] = (Moderate, (c, room) => c.InviteAsync(room, "newcomer")),
        [HubMethods.SetRole] = (Own, (c, room) => c.SetRoleAsync(room, "target", RoomRoles.Moderator)),
        [HubMethods.KickFromRoom] = (Moderate, (c, room) => c.KickAsync(room, "target")),
        [HubMethods.BanFromRoom] = (Moderate, (c, room) => c.BanAsync(room, "target")),
        [HubMethods.UnbanFromRoom] = (Moderate, (c, room) => c.UnbanAsync(room, "banned")),
        [HubMethods.MuteInRoom] = (Moderate, (c, room) => c.MuteAsync(room, "target", DateTime.UtcNow.AddHours(1))),
        [HubMethods.UnmuteInRoom] = (Moderate, (c, room) => c.UnmuteAsync(room, "muted")),
        [HubMethods.LeaveRoomForGood] = (LeaveForGood, (c, room) => c.LeaveRoomForGoodAsync(room)),
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
        if (action is HubMethods.GetHistory or HubMethods.PostMessage && expected[role] != ErrorCodes.Forbidden)
        {
            // These need a joined connection; a caller who may not read is refused before that matters.
            await client.JoinRoomAsync(room).WaitAsync(TestTimeouts.Default);
        }

        var answer = await AnswerAsync(() => call(client, room));

        Assert.Equal(expected[role], answer);
    }

    [Fact]
    public async Task AModeratorCannotActOnAnotherModeratorOrTheOwnerButTheOwnerCan()
    {
        var room = fixture.NewRoomName("peers");
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await RoomHostFixture.SeedAsync(owner, room, "moderator", ["other"], "banned", "muted");
        await owner.SetRoleAsync(room, "other", RoomRoles.Moderator).WaitAsync(TestTimeouts.Default);
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
        await owner.SetRoleAsync(room, "heir", RoomRoles.Owner).WaitAsync(TestTimeouts.Default);
        var info = await owner.GetRoomInfoAsync(room).WaitAsync(TestTimeouts.Default);

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
        await owner.CreateRoomAsync(room, RoomKinds.Private).WaitAsync(TestTimeouts.Default);
        Assert.Equal(ErrorCodes.RoomExists, await AnswerAsync(() => owner.CreateRoomAsync(room.ToUpperInvariant(), RoomKinds.Public)));
        Assert.Equal(ErrorCodes.InvalidUser, await AnswerAsync(() => owner.InviteAsync(room, "white space")));
        Assert.Equal(ErrorCodes.InvalidMessage, await AnswerAsync(() => owner.SetRoleAsync(room, "someone", "king")));
        Assert.Equal(ErrorCodes.InvalidMessage, await AnswerAsync(() => owner.BanAsync(room, "someone", DateTime.UtcNow.AddHours(-1))));
        Assert.Equal(ErrorCodes.NotFound, await AnswerAsync(() => owner.GetRoomInfoAsync(fixture.NewRoomName("nowhere"))));
        Assert.Equal("pong", await owner.PingAsync().WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task AnOpenRoomWithMessagesIsTakenButAnAdminMayClaimIt()
    {
        var room = fixture.NewRoomName("claim");
        await using var alice = await fixture.Host.ConnectAsync("alice");
        await alice.JoinRoomAsync(room).WaitAsync(TestTimeouts.Default);
        await alice.PostMessageAsync(room, "first", null).WaitAsync(TestTimeouts.Default);
        await using var admin = await fixture.ConnectAdminAsync("root");

        Assert.Equal(ErrorCodes.RoomExists, await AnswerAsync(() => alice.CreateRoomAsync(room, RoomKinds.Public)));
        var claimed = await admin.CreateRoomAsync(room, RoomKinds.Public, "now run").WaitAsync(TestTimeouts.Default);

        Assert.Equal((RoomKinds.Public, "root", "now run"), (claimed.Kind, claimed.OwnerId, claimed.Topic));
        Assert.Equal("first", Assert.Single(await alice.GetHistoryAsync(room, null, 10).WaitAsync(TestTimeouts.Default)).Text);
    }

    [Fact]
    public async Task AnAdminModeratesAnOpenRoomAndItsBanHoldsAfterTheRoomIsCreated()
    {
        var room = fixture.NewRoomName("open");
        await using var alice = await fixture.Host.ConnectAsync("alice");
        await using var admin = await fixture.ConnectAdminAsync("root");
        await alice.JoinRoomAsync(room).WaitAsync(TestTimeouts.Default);
        await alice.PostMessageAsync(room, "hello", null).WaitAsync(TestTimeouts.Default);

        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => alice.KickAsync(room, "root")));
        await admin.BanAsync(room, "alice").WaitAsync(TestTimeouts.Default);
        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => alice.JoinRoomAsync(room)));
        await admin.CreateRoomAsync(room, RoomKinds.Public).WaitAsync(TestTimeouts.Default);

        Assert.Equal(ErrorCodes.Forbidden, await AnswerAsync(() => alice.JoinRoomAsync(room)));
        await admin.UnbanAsync(room, "alice").WaitAsync(TestTimeouts.Default);
        Assert.Equal(Ok, await AnswerAsync(() => alice.JoinRoomAsync(room)));
    }

    [Fact]
    public async Task RoomChangesPastTheirAllowanceAreRateLimitedWhileSendingStillWorks()
    {
        var room = fixture.NewRoomName("flood");
        await using var owner = await fixture.Host.ConnectAsync("flooder");
        await owner.CreateRoomAsync(room, RoomKinds.Private).WaitAsync(TestTimeouts.Default);
        await owner.JoinRoomAsync(room).WaitAsync(TestTimeouts.Default);

        var refusals = 0;
        for (var i = 0; i < HubApp.Hubs.RateLimitFilter.ReadMarkersBurst + 10; i++)
        {
            refusals += await AnswerAsync(() => owner.InviteAsync(room, $"victim{i}")) == ErrorCodes.RateLimited ? 1 : 0;
        }

        Assert.InRange(refusals, 1, 11);
        Assert.Equal(ErrorCodes.RateLimited, await AnswerAsync(() => owner.InviteAsync(room, "one-more")));
        Assert.Equal(Ok, await AnswerAsync(() => owner.PostMessageAsync(room, "still talking", null)));
    }

    private static Dictionary<string, string> Expect(string? owner = null, string? moderator = null, string? member = null, string? muted = null, string? admin = null) => new()
    {
        ["owner"] = owner ?? ErrorCodes.Forbidden,
        ["moderator"] = moderator ?? ErrorCodes.Forbidden,
        ["member"] = member ?? ErrorCodes.Forbidden,
        ["outsider"] = ErrorCodes.Forbidden,
        ["banned"] = ErrorCodes.Forbidden,
        ["muted"] = muted ?? ErrorCodes.Forbidden,
        ["admin"] = admin ?? ErrorCodes.Forbidden,
    };

    private static async Task<string> AnswerAsync(Func<Task> call)
    {
        try
        {
            await call().WaitAsync(TestTimeouts.Default);
            return Ok;
        }
        catch (ChatException refused)
        {
            return refused.Code;
        }
    }
}
