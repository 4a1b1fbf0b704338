import { describe, expect, it } from "vitest";
import { banDetails } from "../src/bans-view";

const now = new Date("2026-12-01T12:00:00Z");
const names = (id: string) => ({ olga: "Olga" })[id] ?? id;

describe("banDetails", () => {
  it("says who banned and until when, forever included", () => {
    expect(banDetails({ userId: "bob", until: "2026-12-01T13:00:00Z", byUserId: "olga", at: "2026-12-01T11:00:00Z" }, names, now)).toMatch(/^banned by Olga until .+$/);
    expect(banDetails({ userId: "bob", until: null, byUserId: "olga", at: "2026-12-01T11:00:00Z" }, names, now)).toBe("banned by Olga for good");
  });

  it("leaves out who when the server does not know (a ban older than the field)", () => {
    expect(banDetails({ userId: "bob", until: null, byUserId: null, at: "2026-12-01T11:00:00Z" }, names, now)).toBe("banned for good");
  });
});
