import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RoomSummary } from "../src/contract";
import { Debouncer, directoryQuery, directoryRows } from "../src/directory";

const summary = (room: string, extra: Partial<RoomSummary> = {}): RoomSummary =>
  ({ room, kind: "public", topic: null, present: 0, latestId: 0, lastActivityAt: null, ...extra });

describe("directoryRows", () => {
  it("keeps the server's order and words kind, topic and presence", () => {
    const rows = directoryRows([summary("b", { kind: "private", topic: "secret plans", present: 1 }), summary("a", { kind: "open", present: 3 })], new Set(["a"]));
    expect(rows).toEqual([
      { room: "b", kind: "private", topic: "secret plans", present: "1 here", joined: false },
      { room: "a", kind: "open", topic: "", present: "3 here", joined: true },
    ]);
  });
});

describe("directoryQuery", () => {
  it("asks for every room when the box holds nothing but white space", () => {
    expect(directoryQuery("   ")).toBeNull();
    expect(directoryQuery(" dev ")).toBe("dev");
  });
});

describe("Debouncer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs once with the latest value after typing pauses", () => {
    const runs: string[] = [];
    const debouncer = new Debouncer<string>(250, (v) => runs.push(v));
    debouncer.push("d");
    vi.advanceTimersByTime(100);
    debouncer.push("de");
    vi.advanceTimersByTime(100);
    debouncer.push("dev");
    expect(runs).toEqual([]);
    vi.advanceTimersByTime(250);
    expect(runs).toEqual(["dev"]);
  });

  it("runs nothing once cancelled", () => {
    const runs: string[] = [];
    const debouncer = new Debouncer<string>(250, (v) => runs.push(v));
    debouncer.push("x");
    debouncer.cancel();
    vi.advanceTimersByTime(1000);
    expect(runs).toEqual([]);
  });
});
