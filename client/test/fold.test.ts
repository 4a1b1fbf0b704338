import { describe, expect, it } from "vitest";
import { fold, isChange, shownOf, type Entry } from "../src/fold";

const message = (id: number, text: string, extra: Partial<Entry> = {}): Entry => ({ id, kind: "message", text, sentAt: `2026-12-01T09:00:0${id % 10}Z`, ...extra });
const edit = (id: number, targetId: number, text: string, sentAt: string): Entry => ({ id, kind: "edit", targetId, text, sentAt });
const remove = (id: number, targetId: number): Entry => ({ id, kind: "delete", targetId, text: "", sentAt: "2026-12-01T09:10:00Z" });

describe("fold", () => {
  it("tells change entries from messages (a v1 entry without a kind is a message)", () => {
    expect(isChange(edit(2, 1, "x", "2026-12-01T09:01:00Z"))).toBe(true);
    expect(isChange(remove(2, 1))).toBe(true);
    expect(isChange({ id: 1, text: "v1", sentAt: "2026-12-01T09:00:00Z" })).toBe(false);
  });

  it("takes (v3) reaction entries for changes that leave the text as it is", () => {
    const react: Entry = { id: 2, kind: "react", targetId: 1, text: "👍", sentAt: "2026-12-01T09:01:00Z" };
    expect(isChange(react)).toBe(true);
    expect(isChange({ ...react, kind: "unreact" })).toBe(true);
    const shown = shownOf(message(1, "hello"));
    expect(fold(shown, react)).toBe(shown);
  });

  it("replaces the text on an edit and marks it edited", () => {
    const shown = fold(shownOf(message(1, "helo")), edit(2, 1, "hello", "2026-12-01T09:01:00Z"));
    expect(shown).toMatchObject({ text: "hello", edited: true, deleted: false });
  });

  it("shows a deleted message as deleted, and later edits change nothing", () => {
    const deleted = fold(shownOf(message(1, "oops")), remove(2, 1));
    expect(deleted).toMatchObject({ text: "", deleted: true });
    expect(fold(deleted, edit(3, 1, "back", "2026-12-01T09:11:00Z"))).toBe(deleted);
  });

  it("reads a stored target in its current state", () => {
    expect(shownOf(message(1, "", { deletedAt: "2026-12-01T09:10:00Z" }))).toMatchObject({ text: "", deleted: true });
    expect(shownOf(message(1, "v2", { editedAt: "2026-12-01T09:02:00Z" }))).toMatchObject({ text: "v2", edited: true });
  });

  it("ignores an edit older than the text shown (a history page with the target and its first edit)", () => {
    const stored = shownOf(message(1, "v2", { editedAt: "2026-12-01T09:02:00Z" }));
    expect(fold(stored, edit(2, 1, "v1", "2026-12-01T09:01:00Z"))).toBe(stored);
  });

  it("applies edits once, in id order, whatever order they come in", () => {
    const v2 = fold(fold(shownOf(message(1, "v0")), edit(2, 1, "v1", "2026-12-01T09:01:00Z")), edit(3, 1, "v2", "2026-12-01T09:01:00Z"));
    expect(v2.text).toBe("v2");
    expect(fold(v2, edit(2, 1, "v1", "2026-12-01T09:01:00Z"))).toBe(v2);
    expect(fold(v2, edit(3, 1, "v2", "2026-12-01T09:01:00Z"))).toBe(v2);
  });
});
