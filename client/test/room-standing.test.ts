import { describe, expect, it, vi } from "vitest";
import type { RoomInfo, RoomSummary } from "../src/contract";
import { RoomStanding } from "../src/room-standing";

const now = new Date("2026-12-01T12:00:00Z");

function standing(listed: RoomSummary[] = []) {
  const actions = { nameOf: (id: string) => id, listRooms: vi.fn(async () => listed), join: vi.fn(), close: vi.fn() };
  return { actions, standing: new RoomStanding("bob", actions) };
}

const info = (mutedUntil: string | null): RoomInfo => ({
  room: "town", kind: "public", topic: null, ownerId: "alice", createdAt: null,
  members: [{ userId: "alice", userName: "alice", role: "owner", mutedUntil: null }, { userId: "bob", userName: "bob", role: "member", mutedUntil }],
});

describe("RoomStanding", () => {
  it("offers Join again and Close after a kick, only Close after a ban, and Close lets the room go", () => {
    const { actions, standing: s } = standing();
    s.removed({ room: "town", reason: "kicked", byUserId: "alice", until: null });
    const kicked = s.notice("town", undefined, now)!;
    expect(kicked.text).toBe("You were removed from #town by alice.");
    expect(kicked.actions?.map((a) => a.label)).toEqual(["Join again", "Close"]);

    s.removed({ room: "town", reason: "banned", byUserId: "alice", until: null });
    const banned = s.notice("town", undefined, now)!;
    expect(banned.text).toBe("You were banned from #town by alice for good.");
    expect(banned.actions?.map((a) => a.label)).toEqual(["Close"]);
    banned.actions![0]!.run();
    expect(actions.close).toHaveBeenCalledWith("town");
    expect(s.rooms()).toEqual([]);
  });

  it("says the user is muted while RoomInfo lists a mute in force, and nothing once it is lifted or over", () => {
    const { standing: s } = standing();
    const muted = s.notice("town", info("2026-12-01T13:00:00Z"), now);
    expect(muted?.text).toMatch(/^You are muted in #town until /);
    expect(muted?.refreshAt).toBe(Date.parse("2026-12-01T13:00:00Z")); // Looked at again when the mute ends.
    expect(s.notice("town", info(null), now)).toBeNull();
    expect(s.notice("town", info("2026-12-01T11:59:00Z"), now)).toBeNull();
  });

  it("names a ban it saw without asking the directory, and asks it otherwise", async () => {
    const { actions, standing: s } = standing([{ room: "town", kind: "public", topic: null, present: 1, latestId: 3, lastActivityAt: null }]);
    s.removed({ room: "club", reason: "banned", byUserId: "alice", until: null });
    expect(await s.refusedJoin("club")).toBe("You are banned from #club by alice for good.");
    expect(actions.listRooms).not.toHaveBeenCalled();
    expect(await s.refusedJoin("town")).toBe("You are banned from #town.");
    expect(actions.listRooms).toHaveBeenCalledWith("town");
  });
});
