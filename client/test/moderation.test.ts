import { describe, expect, it } from "vitest";
import { memberCommand, sanctionQuestion } from "../src/moderation";

describe("memberCommand", () => {
  it.each([
    ["mute", "MuteInRoom", ["bob", "2026-12-01T12:10:00.000Z"]],
    ["unmute", "UnmuteInRoom", ["bob"]],
    ["kick", "KickFromRoom", ["bob"]],
    ["ban", "BanFromRoom", ["bob", "2026-12-01T12:10:00.000Z"]],
    ["makeModerator", "SetRole", ["bob", "moderator"]],
    ["makeMember", "SetRole", ["bob", "member"]],
    ["handOver", "SetRole", ["bob", "owner"]],
  ] as const)("calls %s as the contract's %s", (action, method, args) => {
    expect(memberCommand(action, "bob", "2026-12-01T12:10:00.000Z")).toEqual({ method, args });
  });

  it("passes null for a ban or mute forever", () => {
    expect(memberCommand("ban", "bob", null).args).toEqual(["bob", null]);
    expect(memberCommand("mute", "bob", null).args).toEqual(["bob", null]);
  });
});

describe("sanctionQuestion", () => {
  const now = new Date("2026-12-01T12:00:00Z");

  it("says forever in so many words for a ban without an end, and until when otherwise", () => {
    expect(sanctionQuestion("ban", "bob", "town", "public", null, now)).toBe("Ban bob from #town forever? They cannot come back until someone unbans them.");
    expect(sanctionQuestion("ban", "bob", "town", "public", "2026-12-01T12:10:00.000Z", now)).toMatch(/^Ban bob from #town until .+\? They cannot come back before then\.$/);
  });

  it("says whether a kicked user can come back", () => {
    expect(sanctionQuestion("kick", "bob", "town", "public", null, now)).toBe("Kick bob out of #town? They can join again.");
    expect(sanctionQuestion("kick", "bob", "team", "private", null, now)).toMatch(/membership ends/);
  });

  it("asks nothing for a mute", () => {
    expect(sanctionQuestion("mute", "bob", "town", "public", null, now)).toBeNull();
  });
});
