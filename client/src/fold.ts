// Folding the room log's `edit` and `delete` entries onto their targets (contract "The room log"). The
// timeline model keeps every entry (their ids are the room's consecutive log, which gap repair needs); what a
// message shows is its stored state with the newer entries folded on.

import type { MessageKind } from "./contract";

/** What a log entry says about a message, as far as folding needs it. */
export interface Entry {
  id: number;
  kind?: MessageKind | undefined;
  targetId?: number | null | undefined;
  text: string;
  sentAt: string;
  editedAt?: string | null | undefined;
  deletedAt?: string | null | undefined;
}

/** What one message shows now. */
export interface Shown {
  text: string;
  edited: boolean;
  deleted: boolean;
  /** When the shown text was written: the stored `editedAt`, or the `sentAt` of the last edit folded on. */
  editedAt: string | null;
  /** The id of the last edit folded on (0 for none): a repeated or older one changes nothing. */
  editId: number;
}

/** Entries of these kinds (edit, delete, and v3's react and unreact) change another message and are not lines of their own. */
export function isChange(entry: Entry): boolean {
  return entry.kind === "edit" || entry.kind === "delete" || entry.kind === "react" || entry.kind === "unreact";
}

/** An edit or delete: the target's text changed (what was announced of it is out of date); a reaction leaves it as it is. */
export function rewrites(entry: Entry): boolean {
  return entry.kind === "edit" || entry.kind === "delete";
}

/** A message as stored: a target read from the store already is in its current state. */
export function shownOf(message: Entry): Shown {
  const deleted = message.deletedAt != null;
  return { text: deleted ? "" : message.text, edited: message.editedAt != null, deleted, editedAt: message.editedAt ?? null, editId: 0 };
}

/**
 * The target after one `edit` or `delete` entry. A delete always wins. An edit older than the text shown is
 * ignored: a history page can bring a target stored with its latest text together with its earlier edits.
 */
export function fold(target: Shown, change: Entry): Shown {
  if (change.kind === "delete") {
    return { ...target, text: "", deleted: true };
  }
  if (change.kind !== "edit" || target.deleted || change.deletedAt != null) {
    return target;
  }
  if (change.id <= target.editId || (target.editedAt !== null && Date.parse(change.sentAt) < Date.parse(target.editedAt))) {
    return target;
  }
  return { text: change.text, edited: true, deleted: false, editedAt: change.sentAt, editId: change.id };
}
