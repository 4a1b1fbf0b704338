import { describe, expect, it } from "vitest";
import { Timeline } from "../src/timeline";

const m = (id: number) => ({ id, text: `m${id}` });

describe("Timeline.merge", () => {
  it("keeps each id once and reports only what is new, in id order", () => {
    const timeline = new Timeline<ReturnType<typeof m>>();
    expect(timeline.merge([m(3), m(1), m(3), m(2)]).map((p) => p.item.id)).toEqual([1, 2, 3]);
    expect(timeline.merge([m(2), m(3), m(4)]).map((p) => p.item.id)).toEqual([4]);
    expect(timeline.all.map((x) => x.id)).toEqual([1, 2, 3, 4]);
  });

  it("keeps the first copy of a message delivered twice", () => {
    const timeline = new Timeline<{ id: number; text: string }>();
    timeline.merge([{ id: 1, text: "first" }]);
    timeline.merge([{ id: 1, text: "replayed" }]);
    expect(timeline.all).toEqual([{ id: 1, text: "first" }]);
  });

  it("says where each new message goes: before the next newer one, or at the end", () => {
    const timeline = new Timeline<ReturnType<typeof m>>();
    timeline.merge([m(10), m(20)]);
    expect(timeline.merge([m(5), m(15), m(25)])).toEqual([
      { item: m(5), beforeId: 10 },
      { item: m(15), beforeId: 20 },
      { item: m(25), beforeId: null },
    ]);
    expect(timeline.firstId).toBe(5);
    expect(timeline.lastId).toBe(25);
  });

  it("places an older history page before what is held", () => {
    const timeline = new Timeline<ReturnType<typeof m>>();
    timeline.merge([m(51), m(52)]);
    const placements = timeline.merge([m(49), m(50)]);
    expect(placements.map((p) => [p.item.id, p.beforeId])).toEqual([[49, 51], [50, 51]]);
  });
});

describe("Timeline sync point", () => {
  it("is unknown before the first join, and 0 after joining an empty room", () => {
    const timeline = new Timeline<ReturnType<typeof m>>();
    expect(timeline.syncedId).toBeNull();
    timeline.beginCatchUp();
    timeline.mergeCatchUp([], true);
    expect(timeline.syncedId).toBe(0);
  });

  it("follows live messages once a join is complete", () => {
    const timeline = new Timeline<ReturnType<typeof m>>();
    timeline.beginCatchUp();
    timeline.mergeCatchUp([m(1), m(2)], true);
    expect(timeline.mergeLive(m(3))).toEqual({ item: m(3), beforeId: null });
    expect(timeline.syncedId).toBe(3);
    expect(timeline.mergeLive(m(3))).toBeNull();
  });

  it("does not skip past a gap when live messages overtake an incomplete catch-up", () => {
    const timeline = new Timeline<ReturnType<typeof m>>();
    timeline.beginCatchUp();
    timeline.mergeCatchUp([m(1), m(2)], true);

    // Reconnected: the rejoin's first page stops at 4 and more are waiting; meanwhile 9 arrives live.
    timeline.beginCatchUp();
    const first = timeline.mergeCatchUp([m(3), m(4)], false);
    timeline.mergeLive(m(9));
    expect(first.nextSinceId).toBe(4);
    expect(timeline.syncedId).toBe(4);

    const second = timeline.mergeCatchUp([m(5), m(6), m(7), m(8), m(9)], true);
    expect(second.placements.map((p) => p.item.id)).toEqual([5, 6, 7, 8]);
    expect(timeline.syncedId).toBe(9);
    expect(timeline.all.map((x) => x.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("a catch-up that repeats messages already shown adds none of them again", () => {
    const timeline = new Timeline<ReturnType<typeof m>>();
    timeline.beginCatchUp();
    timeline.mergeCatchUp([m(1), m(2), m(3)], true);
    timeline.beginCatchUp();
    const again = timeline.mergeCatchUp([m(2), m(3), m(4)], true);
    expect(again.placements.map((p) => p.item.id)).toEqual([4]);
    expect(timeline.length).toBe(4);
  });

  it("tells a live message that skips an id from the next one, and not while a catch-up runs", () => {
    const timeline = new Timeline<ReturnType<typeof m>>();
    expect(timeline.skipsAhead(5)).toBe(false); // Not joined yet.
    timeline.beginCatchUp();
    timeline.mergeCatchUp([m(1), m(2)], true);
    expect(timeline.skipsAhead(3)).toBe(false);
    expect(timeline.skipsAhead(4)).toBe(true);

    // The session begins the repair before merging, so that the sync point stays below the hole.
    timeline.beginCatchUp();
    timeline.mergeLive(m(4));
    expect(timeline.syncedId).toBe(2);
    expect(timeline.skipsAhead(6)).toBe(false);
    const repaired = timeline.mergeCatchUp([m(3), m(4)], true);
    expect(repaired.placements.map((p) => p.item.id)).toEqual([3]);
    expect(timeline.syncedId).toBe(4);
  });
});

describe("Timeline.asOf (how new a stored copy is, for folding v3 reactions and threads)", () => {
  it("reads an item of a batch as new as the batch and as what was held when it came", () => {
    const timeline = new Timeline<{ id: number; text: string }>();
    timeline.mergeLive(m(10));
    expect(timeline.asOf(10)).toBe(10);
    timeline.merge([m(3), m(4), m(5)]); // A history page read after 10 was held.
    expect([timeline.asOf(3), timeline.asOf(5)]).toEqual([10, 10]);
    timeline.merge([m(11), m(12)]);
    expect(timeline.asOf(11)).toBe(12);
    expect(timeline.get(4)).toEqual(m(4));
    expect(timeline.get(6)).toBeUndefined();
  });
});
