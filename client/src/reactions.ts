// Folding a message's reactions (contract v3 "Reactions"): the stored message carries its current `reactions`,
// and the `react` / `unreact` entries after it add or take away one user's emoji. Pure and DOM-free.

import type { Reaction } from "./contract";

/** A message's reactions as the page shows them, and the newest log entry they account for. */
export interface Reactions {
  list: readonly Reaction[];
  /** Entries with this id or lower are already in `list` (a stored copy, or an entry folded on). */
  asOf: number;
}

/** What folding needs of a `react` or `unreact` entry: who, which emoji (its text), and its id. */
export interface ReactionEntry {
  id: number;
  kind?: string | undefined;
  authorId: string;
  text: string;
}

/** The emoji the picker offers; anything else goes in its text field. */
export const CommonEmoji: readonly string[] = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];

/** A message's reactions as stored; `asOf`: the newest id the stored copy is known to include. */
export function reactionsOf(stored: { reactions?: readonly Reaction[] | null }, asOf: number): Reactions {
  return { list: (stored.reactions ?? []).filter((r) => r.count > 0), asOf };
}

/**
 * One `react` / `unreact` entry folded on. An entry the state already accounts for changes nothing, and so does
 * a second `react` of the same user and emoji (the server stores nothing then, but a replay may bring it twice).
 */
export function foldReaction(state: Reactions, entry: ReactionEntry): Reactions {
  if (entry.id <= state.asOf || (entry.kind !== "react" && entry.kind !== "unreact")) {
    return state;
  }
  const add = entry.kind === "react";
  const list: Reaction[] = [];
  let found = false;
  for (const reaction of state.list) {
    if (reaction.emoji !== entry.text) {
      list.push(reaction);
      continue;
    }
    found = true;
    const listed = reaction.userIds.includes(entry.authorId);
    if (add === listed) {
      list.push(reaction);
    } else if (add) {
      list.push({ emoji: reaction.emoji, count: reaction.count + 1, userIds: [...reaction.userIds, entry.authorId] });
    } else if (reaction.count > 1) {
      list.push({ emoji: reaction.emoji, count: reaction.count - 1, userIds: reaction.userIds.filter((u) => u !== entry.authorId) });
    }
  }
  if (!found && add) {
    list.push({ emoji: entry.text, count: 1, userIds: [entry.authorId] });
  }
  return { list, asOf: entry.id };
}

/** The server's word on a message (React's answer, a page of history): it wins over what was folded before it. */
export function serverReactions(state: Reactions, stored: { reactions?: readonly Reaction[] | null }, asOf: number): Reactions {
  return asOf < state.asOf ? state : reactionsOf(stored, asOf);
}

/** Whether `me` is among those who reacted with it: clicking it then takes the reaction back. */
export function isMine(reaction: Reaction, me: string): boolean {
  return reaction.userIds.includes(me);
}

/** "alice, bob and 3 others reacted with 👍", for the title shown on hover and long-press. */
export function whoReacted(reaction: Reaction, nameOf: (userId: string) => string, me: string): string {
  const names = reaction.userIds.map((id) => (id === me ? "you" : nameOf(id)));
  const others = reaction.count - names.length;
  const listed = others > 0 ? [...names, `${others} other${others === 1 ? "" : "s"}`] : names;
  const text = listed.length <= 1 ? (listed[0] ?? "") : `${listed.slice(0, -1).join(", ")} and ${listed[listed.length - 1]}`;
  return `${text} reacted with ${reaction.emoji}`;
}

/** The contract's emoji rule: 1–32 UTF-16 code units, no white space or control characters. */
export function validEmoji(text: string): boolean {
  return text.length >= 1 && text.length <= 32 && !/[\s\p{Cc}]/u.test(text);
}
