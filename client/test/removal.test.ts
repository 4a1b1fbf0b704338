import { describe, expect, it } from "vitest";
import type { RoomRemoval } from "../src/contract";
import { mutedNotice, refusedJoinNotice, removalNotice, withoutRoom } from "../src/removal";

const now = new Date("2026-12-01T12:00:00Z");
const names = (id: string) => ({ olga: "Olga" })[id] ?? id;
const removal = (reason: RoomRemoval["reason"], until: string | null = null, byUserId: string | null = "olga"): RoomRemoval => ({ room: "team", reason, byUserId, until });

describe("removalNotice", () => {
  it("says who removed the user", () => {
    expect(removalNotice(removal("kicked"), names, now)).toBe("You were removed from #team by Olga.");
  });

  it("says who banned the user and how long the ban lasts, forever included", () => {
    expect(removalNotice(removal("banned"), names, now)).toBe("You were banned from #team by Olga for good.");
    expect(removalNotice(removal("banned", "9999-12-31T00:00:00Z"), names, now)).toBe("You were banned from #team by Olga for good.");
    expect(removalNotice(removal("banned", "2026-12-01T13:00:00Z"), names, now)).toMatch(/^You were banned from #team by Olga until .+\.$/);
  });

  it("says a rejoin was refused after being away, and words leaving for good as the user's own doing", () => {
    expect(removalNotice(removal("kicked", null, null), names, now)).toBe("You can no longer read #team: you were removed from it while you were away.");
    expect(removalNotice(removal("left", null, null), names, now)).toBe("You left #team.");
  });
});

describe("refusedJoinNotice", () => {
  it("names the ban the page saw, while it is in force", () => {
    expect(refusedJoinNotice("team", removal("banned", "2026-12-01T13:00:00Z"), null, names, now)).toMatch(/^You are banned from #team by Olga until .+\.$/);
    expect(refusedJoinNotice("team", removal("banned"), "public", names, now)).toBe("You are banned from #team by Olga for good.");
  });

  it("reads a refusal of a listed open or public room as a ban, and of anything else as a private room", () => {
    expect(refusedJoinNotice("town", undefined, "public", names, now)).toBe("You are banned from #town.");
    expect(refusedJoinNotice("town", removal("banned", "2026-12-01T11:00:00Z"), "open", names, now)).toBe("You are banned from #town.");
    expect(refusedJoinNotice("team", undefined, null, names, now)).toMatch(/^#team is a private room/);
  });
});

describe("mutedNotice", () => {
  it("says until when, or for good, and nothing once the mute is over", () => {
    expect(mutedNotice("town", "2026-12-01T13:00:00Z", now)).toMatch(/^You are muted in #town until .+: you can read, not post\.$/);
    expect(mutedNotice("town", "9999-12-31T00:00:00Z", now)).toBe("You are muted in #town for good: you can read, not post.");
    expect(mutedNotice("town", "2026-12-01T11:00:00Z", now)).toBeNull();
    expect(mutedNotice("town", null, now)).toBeNull();
  });
});

describe("withoutRoom", () => {
  it("drops the room from the saved list so that neither a reconnect nor a reload rejoins it", () => {
    expect(withoutRoom({ rooms: ["general", "team", "random"], active: "general" }, "team")).toEqual({ rooms: ["general", "random"], active: "general" });
  });

  it("opens the first room left when the removed one was open, and none when none is left", () => {
    expect(withoutRoom({ rooms: ["general", "team"], active: "team" }, "team")).toEqual({ rooms: ["general"], active: "general" });
    expect(withoutRoom({ rooms: ["team"], active: "team" }, "team")).toEqual({ rooms: [], active: null });
  });

  it("changes nothing for a room not saved", () => {
    expect(withoutRoom({ rooms: ["general"], active: "general" }, "team")).toEqual({ rooms: ["general"], active: "general" });
  });
});
