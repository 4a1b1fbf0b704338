import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { describeTypists, TypingIndicators, TypingNotifier } from "../src/typing";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("TypingIndicators", () => {
  it("shows a typist for 6 s after their last Typing(true)", () => {
    const changes: string[] = [];
    const typing = new TypingIndicators((room) => changes.push(room));
    typing.update("general", "alice", "alice", true);
    vi.advanceTimersByTime(3000);
    typing.update("general", "alice", "alice", true);
    vi.advanceTimersByTime(5999);
    expect(typing.names("general")).toEqual(["alice"]);
    vi.advanceTimersByTime(1);
    expect(typing.names("general")).toEqual([]);
    expect(changes).toEqual(["general", "general"]);
  });

  it("clears a typist on Typing(false) or on their message", () => {
    const typing = new TypingIndicators(() => {});
    typing.update("general", "alice", "alice", true);
    typing.update("general", "bob", "bob", true);
    typing.update("general", "alice", "alice", false);
    expect(typing.names("general")).toEqual(["bob"]);
    typing.clear("general", "bob");
    expect(typing.names("general")).toEqual([]);
    vi.advanceTimersByTime(10_000);
    expect(typing.names("general")).toEqual([]);
  });

  it("keeps rooms apart and forgets a room at once", () => {
    const typing = new TypingIndicators(() => {});
    typing.update("general", "alice", "alice", true);
    typing.update("random", "bob", "bob", true);
    typing.clearRoom("general");
    expect(typing.names("general")).toEqual([]);
    expect(typing.names("random")).toEqual(["bob"]);
  });
});

describe("describeTypists", () => {
  it("names one, two or three typists, and counts more", () => {
    expect(describeTypists([])).toBe("");
    expect(describeTypists(["alice"])).toBe("alice is typing…");
    expect(describeTypists(["alice", "bob"])).toBe("alice and bob are typing…");
    expect(describeTypists(["alice", "bob", "carol"])).toBe("alice, bob and carol are typing…");
    expect(describeTypists(["a", "b", "c", "d"])).toBe("Several people are typing…");
  });
});

describe("TypingNotifier", () => {
  const setup = () => {
    const sent: [string, boolean][] = [];
    const notifier = new TypingNotifier((room, isTyping) => sent.push([room, isTyping]), () => Date.now());
    return { sent, notifier };
  };

  it("sends Typing(true) at the first keystroke and again every 3 s while typing goes on", () => {
    const { sent, notifier } = setup();
    notifier.input("general", "h");
    vi.advanceTimersByTime(1000);
    notifier.input("general", "he");
    vi.advanceTimersByTime(1999);
    notifier.input("general", "hel");
    expect(sent).toEqual([["general", true]]);
    vi.advanceTimersByTime(1);
    notifier.input("general", "hell");
    expect(sent).toEqual([["general", true], ["general", true]]);
  });

  it("sends Typing(false) when the user stops for 4 s or empties the box", () => {
    const { sent, notifier } = setup();
    notifier.input("general", "h");
    vi.advanceTimersByTime(4000);
    expect(sent).toEqual([["general", true], ["general", false]]);
    notifier.input("general", "h");
    notifier.input("general", "");
    expect(sent.slice(2)).toEqual([["general", true], ["general", false]]);
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(4);
  });

  it("sends nothing more once the message is sent: the message clears the others' indicator", () => {
    const { sent, notifier } = setup();
    notifier.input("general", "hello");
    notifier.sent();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([["general", true]]);
  });

  it("stops in the old room when the user switches rooms", () => {
    const { sent, notifier } = setup();
    notifier.input("general", "h");
    notifier.input("random", "h");
    expect(sent).toEqual([["general", true], ["general", false], ["random", true]]);
  });
});
