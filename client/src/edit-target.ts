import { fold, isChange, shownOf, type Entry, type Shown } from "./fold";
import type { Line } from "./line";

/** One of the user's messages as it reads now, ready to edit. */
export interface Editable {
  id: number;
  text: string;
}

/** Every message entry of a room's log with its edits and deletes folded on, by id. */
export function foldLog(entries: readonly Entry[]): Map<number, Shown> {
  const shown = new Map<number, Shown>();
  for (const entry of [...entries].sort((a, b) => a.id - b.id)) {
    if (!isChange(entry)) {
      shown.set(entry.id, shownOf(entry));
      continue;
    }
    const target = entry.targetId == null ? undefined : shown.get(entry.targetId);
    if (target !== undefined) {
      shown.set(entry.targetId!, fold(target, entry));
    }
  }
  return shown;
}

/**
 * What ↑ in an empty composer edits: the user's newest message of the main timeline (not a thread reply) that is
 * not deleted, with its current text.
 */
export function lastEditable(entries: readonly Line[], me: string): Editable | null {
  const shown = foldLog(entries);
  let best: Editable | null = null;
  for (const entry of entries) {
    const state = shown.get(entry.id);
    if (entry.authorId === me && (entry.threadId ?? null) === null && state !== undefined && !state.deleted && (best === null || entry.id > best.id)) {
      best = { id: entry.id, text: state.text };
    }
  }
  return best;
}
