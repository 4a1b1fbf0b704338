import { describe, expect, it } from "vitest";
import type { RoomRemoval } from "../src/contract";
import { removalNotice, withoutRoom } from "../src/removal";

const now = new Date("2026-12-01T12:00:00Z");
const names = (id: string) => ({ olga: "Olga" })[id] ?? id;
const removal = (reason: RoomRemoval["reason"], until: string | null = null, byUserId: string | null = "olga"): RoomRemoval => ({ room: "team", reason, byUserId, until });

describe("removalNotice", () => {
  it("says who kicked the user", () => {
    expect(removalNotice(removal("kicked"), names, now)).toBe("You were removed from #team by Olga.");
  });

  it("says how long a ban lasts", () => {
    expect(removalNotice(removal("banned"), names, now)).toBe("You were removed from #team by Olga (banned for good).");
    expect(removalNotice(removal("banned", "2026-12-01T13:00:00Z"), names, now)).toMatch(/^You were removed from #team by Olga \(banned until .+\)\.$/);
  });

  it("leaves out who when the server does not say, and words leaving for good as the user's own doing", () => {
    expect(removalNotice(removal("kicked", null, null), names, now)).toBe("You were removed from #team.");
    expect(removalNotice(removal("left", null, null), names, now)).toBe("You left #team.");
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
