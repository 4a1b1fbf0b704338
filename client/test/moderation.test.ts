import { describe, expect, it } from "vitest";
import { memberCommand } from "../src/moderation";

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
