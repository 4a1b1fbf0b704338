import { describe, expect, it } from "vitest";
import { dayLabel, groupWindowMs, lineStart, type Stamp } from "../src/grouping";

// Local times, so that the tests mean the same in every time zone.
const at = (day: number, hours: number, minutes = 0, seconds = 0) => new Date(2026, 11, day, hours, minutes, seconds).toISOString();
const line = (authorId: string, sentAt: string): Stamp => ({ authorId, sentAt });

/** The decisions for a whole list, each from its neighbour above, as the view makes them. */
const decide = (lines: Stamp[]) => lines.map((l, i) => lineStart(i === 0 ? null : lines[i - 1]!, l));

describe("lineStart", () => {
  it("starts the list with a day separator and a header", () => {
    expect(lineStart(null, line("alice", at(1, 9)))).toEqual({ dayStart: true, continued: false });
  });

  it("groups consecutive lines of one author within the window", () => {
    expect(lineStart(line("alice", at(1, 9)), line("alice", at(1, 9, 4, 59)))).toEqual({ dayStart: false, continued: true });
    expect(lineStart(line("alice", at(1, 9)), line("alice", new Date(Date.parse(at(1, 9)) + groupWindowMs).toISOString())).continued).toBe(true);
  });

  it("repeats the header for another author or after a pause", () => {
    expect(lineStart(line("alice", at(1, 9)), line("bob", at(1, 9, 1)))).toEqual({ dayStart: false, continued: false });
    expect(lineStart(line("alice", at(1, 9)), line("alice", at(1, 9, 5, 1))).continued).toBe(false);
  });

  it("puts a separator between local days and never groups across one", () => {
    expect(lineStart(line("alice", at(1, 23, 59)), line("alice", at(2, 0, 1)))).toEqual({ dayStart: true, continued: false });
  });

  it("gives the same page as a fresh render when older lines are inserted above (scroll-back)", () => {
    const older = [line("alice", at(1, 9)), line("bob", at(2, 7, 58))];
    const shown = [line("bob", at(2, 8)), line("bob", at(2, 8, 1)), line("carol", at(2, 9))];
    expect(insertAndRedecide(shown, [[0, older[0]!], [1, older[1]!]])).toEqual(decide([...older, ...shown]));
    // The old top line lost its separator and joined bob's group.
    expect(decide([...older, ...shown])[2]).toEqual({ dayStart: false, continued: true });
  });

  it("gives the same page as a fresh render when lines are merged in between by id (catch-up)", () => {
    const a = line("alice", at(1, 9));
    const b = line("bob", at(1, 9, 1));
    const c = line("alice", at(1, 9, 2));
    const d = line("alice", at(2, 9));
    expect(decide([a, c])[1]).toEqual({ dayStart: false, continued: true });
    // b merged in between gives c its header back; d at the end starts a day.
    expect(insertAndRedecide([a, c], [[1, b], [3, d]])).toEqual(decide([a, b, c, d]));
    expect(decide([a, b, c, d])[2]).toEqual({ dayStart: false, continued: false });
  });
});

/**
 * What the view does: the decisions of `lines`, then each insertion at its index with a new decision for the
 * inserted line and for the line below it only.
 */
function insertAndRedecide(lines: Stamp[], insertions: [number, Stamp][]) {
  const list = [...lines];
  const decisions = decide(list);
  for (const [index, stamp] of insertions) {
    list.splice(index, 0, stamp);
    decisions.splice(index, 0, lineStart(list[index - 1] ?? null, stamp));
    if (index + 1 < list.length) {
      decisions[index + 1] = lineStart(stamp, list[index + 1]!);
    }
  }
  return decisions;
}

describe("dayLabel", () => {
  const now = new Date(2026, 11, 10, 12);

  it("says Today and Yesterday in the user's language", () => {
    expect(dayLabel(at(10, 0, 0, 1), now, "en-GB")).toBe("Today");
    expect(dayLabel(at(9, 23, 59), now, "en-GB")).toBe("Yesterday");
    expect(dayLabel(at(10, 8), now, "de")).toBe("Heute");
  });

  it("gives other days as a date, with the year only when it is not this one", () => {
    // The exact punctuation is the ICU data's.
    expect(dayLabel(at(1, 9), now, "en-GB")).toMatch(/^Tuesday,? 1 December$/);
    expect(dayLabel(new Date(2025, 5, 3, 9).toISOString(), now, "en-GB")).toMatch(/^Tuesday,? 3 June 2025$/);
  });
});
