import { describe, expect, it } from "vitest";
import type { RoomInfo, RoomMember, RoomRole } from "../src/contract";
import { isMuted, listsLessThanPresent, mayInvite, mayLeaveForGood, mayUnban, memberActions, moderates, roleOf } from "../src/room-roles";

const now = new Date("2026-12-01T12:00:00Z");
const member = (userId: string, role: RoomRole, mutedUntil: string | null = null): RoomMember => ({ userId, userName: userId, role, mutedUntil });
const info: RoomInfo = {
  room: "team", kind: "private", topic: null, ownerId: "olga", createdAt: "2026-12-01T09:00:00Z",
  members: [member("olga", "owner"), member("mo", "moderator"), member("max", "moderator"), member("mia", "member")],
};

describe("roleOf", () => {
  it("reads the role GetRoomInfo lists, and none for someone not listed or before the info came", () => {
    expect(roleOf(info, "mo")).toBe("moderator");
    expect(roleOf(info, "stranger")).toBeNull();
    expect(roleOf(undefined, "olga")).toBeNull();
  });
});

describe("memberActions", () => {
  it("lets the owner mute, kick, ban, change the role of and hand over to anyone else", () => {
    expect(memberActions("olga", "owner", member("mia", "member"), now)).toEqual(["mute", "kick", "ban", "makeModerator", "handOver"]);
    expect(memberActions("olga", "owner", member("mo", "moderator"), now)).toEqual(["mute", "kick", "ban", "makeMember", "handOver"]);
  });

  it("lets a moderator act on members only, never on the owner or another moderator, and never set roles", () => {
    expect(memberActions("mo", "moderator", member("mia", "member"), now)).toEqual(["mute", "kick", "ban"]);
    expect(memberActions("mo", "moderator", member("olga", "owner"), now)).toEqual([]);
    expect(memberActions("mo", "moderator", member("max", "moderator"), now)).toEqual([]);
  });

  it("offers nothing to members, outsiders, or anyone acting on themselves", () => {
    expect(memberActions("mia", "member", member("max", "moderator"), now)).toEqual([]);
    expect(memberActions("stranger", null, member("mia", "member"), now)).toEqual([]);
    expect(memberActions("olga", "owner", member("olga", "owner"), now)).toEqual([]);
  });

  it("offers unmute instead of mute while a mute lasts, and mute again once it has ended", () => {
    expect(memberActions("olga", "owner", member("mia", "member", "2026-12-01T12:10:00Z"), now)[0]).toBe("unmute");
    expect(memberActions("olga", "owner", member("mia", "member", "9999-12-31T23:59:59Z"), now)[0]).toBe("unmute");
    expect(memberActions("olga", "owner", member("mia", "member", "2026-12-01T11:59:00Z"), now)[0]).toBe("mute");
    expect(isMuted(member("mia", "member"), now)).toBe(false);
  });
});

describe("room-wide permissions", () => {
  it("moderates with the owner and moderator roles only", () => {
    expect([moderates("owner"), moderates("moderator"), moderates("member"), moderates(null)]).toEqual([true, true, false, false]);
  });

  it("invites to private rooms only, unbans in created rooms only", () => {
    expect(mayInvite("private", "moderator")).toBe(true);
    expect(mayInvite("public", "owner")).toBe(false);
    expect(mayInvite("private", "member")).toBe(false);
    expect(mayUnban("public", "owner")).toBe(true);
    expect(mayUnban("open", "owner")).toBe(false);
  });

  it("lets members and moderators of a private room leave it for good, but not its owner", () => {
    expect(mayLeaveForGood("private", "member")).toBe(true);
    expect(mayLeaveForGood("private", "moderator")).toBe(true);
    expect(mayLeaveForGood("private", "owner")).toBe(false);
    expect(mayLeaveForGood("public", "member")).toBe(false);
    expect(mayLeaveForGood("private", null)).toBe(false);
  });
});

describe("listsLessThanPresent", () => {
  it("asks for the room's info again when someone present is not listed, in created rooms only", () => {
    expect(listsLessThanPresent(info, ["olga", "mia"])).toBe(false);
    expect(listsLessThanPresent(info, ["olga", "newcomer"])).toBe(true);
    expect(listsLessThanPresent({ ...info, kind: "open", members: [] }, ["newcomer"])).toBe(false);
    expect(listsLessThanPresent(undefined, ["newcomer"])).toBe(false);
  });
});
