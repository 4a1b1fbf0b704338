import { describe, expect, it } from "vitest";
import { describeUntil, Durations, untilFor } from "../src/durations";

const now = new Date("2026-12-01T12:00:00Z");
const duration = (label: string) => Durations.find((d) => d.label === label)!;

describe("untilFor", () => {
  it.each([
    ["10 minutes", "2026-12-01T12:10:00.000Z"],
    ["1 hour", "2026-12-01T13:00:00.000Z"],
    ["1 day", "2026-12-02T12:00:00.000Z"],
  ])("ends a %s ban or mute at now plus that, in UTC", (label, until) => {
    expect(untilFor(duration(label), now)).toBe(until);
  });

  it("sends null (until lifted) for forever", () => {
    expect(untilFor(duration("Forever"), now)).toBeNull();
  });
});

describe("describeUntil", () => {
  it("reads null and the server's far-future forever as for good", () => {
    expect(describeUntil(null, now)).toBe("for good");
    expect(describeUntil("9999-12-31T23:59:59Z", now)).toBe("for good");
  });

  it("names the end of a ban or mute that ends", () => {
    const text = describeUntil("2026-12-02T12:00:00Z", now);
    expect(text).toMatch(/^until /);
    expect(text).toContain("2026");
  });
});
