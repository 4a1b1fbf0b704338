// Completing `@` in the composer (contract v3 "Mentions"): what is being typed after an `@`, the members that
// fit it, and the text with the chosen `@userId` in its place. Pure and DOM-free; mention-complete.ts is the listbox.

import type { Member } from "./contract";

/** An `@` being typed: where it is and what follows it up to the caret. */
export interface MentionAt {
  start: number;
  prefix: string;
}

/** How many members the listbox offers at most. */
export const MaxCandidates = 8;

/** The user-id characters of the contract's room name rule. */
const idChars = /^[A-Za-z0-9_.-]*$/;

/** The `@…` the caret is in, or null: an `@` at the start or after a character that cannot be part of a name. */
export function mentionAt(text: string, caret: number): MentionAt | null {
  const before = text.slice(0, caret);
  const start = before.lastIndexOf("@");
  if (start < 0) {
    return null;
  }
  const prefix = before.slice(start + 1);
  const previous = start > 0 ? before[start - 1]! : "";
  if (!idChars.test(prefix) || prefix.length > 64 || /[\p{L}\p{N}_]/u.test(previous)) {
    return null;
  }
  return { start, prefix };
}

/** The members whose id or name begins with the prefix (case-insensitive), then those that hold it; not the user. */
export function candidates(members: Iterable<Member>, prefix: string, me: string): Member[] {
  const wanted = prefix.toLowerCase();
  const others = [...members].filter((m) => m.userId !== me);
  const starts = (m: Member) => m.userId.toLowerCase().startsWith(wanted) || m.userName.toLowerCase().startsWith(wanted);
  const holds = (m: Member) => m.userId.toLowerCase().includes(wanted) || m.userName.toLowerCase().includes(wanted);
  const byName = (a: Member, b: Member) => a.userName.localeCompare(b.userName);
  return [...others.filter(starts).sort(byName), ...others.filter((m) => !starts(m) && holds(m)).sort(byName)].slice(0, MaxCandidates);
}

/** The text with `@userId ` in place of the `@…` being typed, and where the caret goes after it. */
export function complete(text: string, at: MentionAt, userId: string): { text: string; caret: number } {
  const end = at.start + 1 + at.prefix.length;
  const inserted = `@${userId} `;
  const rest = text.slice(end).replace(/^ /, "");
  return { text: text.slice(0, at.start) + inserted + rest, caret: at.start + inserted.length };
}
