import { describe, expect, it } from "vitest";
import { foldLog, lastEditable } from "../src/edit-target";
import type { Line } from "../src/line";

const entry = (id: number, authorId: string, text: string, extra: Partial<Line> = {}): Line =>
  ({ id, authorId, authorName: authorId, text, sentAt: `2026-12-01T09:00:${String(id).padStart(2, "0")}Z`, kind: "message", ...extra });
const edit = (id: number, targetId: number, text: string) => entry(id, "me", text, { kind: "edit", targetId });
const remove = (id: number, targetId: number, by = "me") => entry(id, by, "", { kind: "delete", targetId });

describe("lastEditable", () => {
  it("picks the user's newest message, not someone else's after it", () => {
    expect(lastEditable([entry(1, "me", "first"), entry(2, "me", "second"), entry(3, "bob", "bob's")], "me")).toEqual({ id: 2, text: "second" });
  });

  it("skips a deleted message, deleted by a delete entry or stored deleted", () => {
    expect(lastEditable([entry(1, "me", "keep"), entry(2, "me", "gone"), remove(3, 2, "mod")], "me")).toEqual({ id: 1, text: "keep" });
    expect(lastEditable([entry(1, "me", "keep"), entry(2, "me", "", { deletedAt: "2026-12-01T09:05:00Z" })], "me")).toEqual({ id: 1, text: "keep" });
  });

  it("offers the edited text, and never an edit entry itself", () => {
    expect(lastEditable([entry(1, "me", "helo"), edit(2, 1, "hello")], "me")).toEqual({ id: 1, text: "hello" });
  });

  it("finds nothing when the user has no message left", () => {
    expect(lastEditable([entry(1, "bob", "hi"), entry(2, "me", "x"), remove(3, 2)], "me")).toBeNull();
    expect(lastEditable([], "me")).toBeNull();
  });

  it("skips thread replies (they are edited in their thread) and reactions", () => {
    const react = entry(3, "me", "👍", { kind: "react", targetId: 1 });
    expect(lastEditable([entry(1, "me", "top"), entry(2, "me", "in a thread", { threadId: 1 }), react], "me")).toEqual({ id: 1, text: "top" });
  });
});

describe("foldLog", () => {
  it("folds in id order whatever order the entries are held in", () => {
    const shown = foldLog([edit(3, 1, "v3"), entry(1, "me", "v1"), edit(2, 1, "v2")]);
    expect(shown.get(1)).toMatchObject({ text: "v3", edited: true });
    expect(shown.has(2)).toBe(false);
  });
});
