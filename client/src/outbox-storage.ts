// The outbox's storage format: how entries are kept in localStorage between page loads, per user and tab.

import type { Attachment } from "./contract";
import type { ChatError } from "./errors";
import { newClientMessageId, type OutboxEntry, type OutboxTarget } from "./outbox-entry";

/** The part of `Storage` (localStorage) the outbox uses. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

/** Where the outbox is kept between page loads. Neither method throws. */
export interface OutboxStorage {
  load(): OutboxEntry[];
  save(entries: readonly OutboxEntry[]): void;
}

interface SavedEntry {
  id: string;
  target: OutboxTarget;
  text: string;
  createdAt: number;
  failed?: ChatError;
  replyToId?: number;
  threadId?: number;
  attachments?: Attachment[];
}

const formatVersion = 1;
const clientMessageIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** The entries as stored: what is in flight is saved as queued (a reload sends it again, with the same id). */
export function serialize(entries: readonly OutboxEntry[]): string {
  const saved: SavedEntry[] = entries.map((e) => ({
    id: e.id,
    target: e.target,
    text: e.text,
    createdAt: e.createdAt,
    ...(e.replyToId ? { replyToId: e.replyToId } : {}),
    ...(e.threadId ? { threadId: e.threadId } : {}),
    ...(e.attachments?.length ? { attachments: [...e.attachments] } : {}),
    ...(e.status === "failed" && e.error ? { failed: e.error } : {}),
  }));
  return JSON.stringify({ v: formatVersion, entries: saved });
}

/** What `serialize` wrote; whatever cannot be read (corrupt JSON, another version, a broken entry) is left out. */
export function deserialize(text: string | null): OutboxEntry[] {
  if (text === null) {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isObject(parsed) || parsed.v !== formatVersion || !Array.isArray(parsed.entries)) {
    return [];
  }
  const seen = new Set<string>();
  const entries: OutboxEntry[] = [];
  for (const raw of parsed.entries as unknown[]) {
    const entry = readEntry(raw);
    if (entry && !seen.has(entry.id)) {
      seen.add(entry.id);
      entries.push(entry);
    }
  }
  return entries;
}

function readEntry(raw: unknown): OutboxEntry | null {
  if (!isObject(raw) || typeof raw.id !== "string" || !clientMessageIdPattern.test(raw.id)
    || typeof raw.text !== "string" || typeof raw.createdAt !== "number") {
    return null;
  }
  const attachments = readAttachments(raw.attachments);
  if (attachments === null || (raw.text === "" && attachments.length === 0)) {
    return null;
  }
  const target = readTarget(raw.target);
  if (!target) {
    return null;
  }
  const failed = isObject(raw.failed) && typeof raw.failed.code === "string" && typeof raw.failed.message === "string"
    ? { code: raw.failed.code, message: raw.failed.message }
    : null;
  const replyToId = readId(raw.replyToId);
  const threadId = readId(raw.threadId);
  const placing = {
    ...(replyToId !== null ? { replyToId } : {}), ...(threadId !== null ? { threadId } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
  return failed
    ? { id: raw.id, target, text: raw.text, ...placing, createdAt: raw.createdAt, status: "failed", attempts: 0, error: failed }
    : { id: raw.id, target, text: raw.text, ...placing, createdAt: raw.createdAt, status: "queued", attempts: 0 };
}

/** (v3) The files an entry carries: none when absent, null (the entry is unreadable) when one is broken. */
function readAttachments(raw: unknown): Attachment[] | null {
  if (raw === undefined) {
    return [];
  }
  if (!Array.isArray(raw)) {
    return null;
  }
  const attachments: Attachment[] = [];
  for (const a of raw as unknown[]) {
    if (!isObject(a) || typeof a.id !== "string" || typeof a.name !== "string" || typeof a.contentType !== "string"
      || typeof a.size !== "number" || typeof a.url !== "string") {
      return null;
    }
    const dimension = (value: unknown) => (typeof value === "number" ? value : null);
    attachments.push({
      id: a.id, name: a.name, contentType: a.contentType, size: a.size, width: dimension(a.width), height: dimension(a.height),
      url: a.url, thumbnailUrl: typeof a.thumbnailUrl === "string" ? a.thumbnailUrl : null,
    });
  }
  return attachments;
}

function readId(raw: unknown): number | null {
  return typeof raw === "number" && Number.isSafeInteger(raw) && raw > 0 ? raw : null;
}

function readTarget(raw: unknown): OutboxTarget | null {
  if (!isObject(raw)) {
    return null;
  }
  if (raw.kind === "room" && typeof raw.room === "string" && raw.room !== "") {
    return { kind: "room", room: raw.room };
  }
  if (raw.kind === "dm" && typeof raw.userId === "string" && raw.userId !== "") {
    return { kind: "dm", userId: raw.userId };
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The outbox of one user's tab in `store` (localStorage), under `hubapp.outbox:<userId>:<tabId>`. Each tab saves
 * under its own key, so that two tabs of one user never overwrite each other's messages. Loading adopts what every
 * tab of the user left (a tab closed before its messages were stored leaves them behind) and moves it under this
 * tab's key: a message another live tab also still holds is then sent by both, which the server answers once, as
 * both carry its clientMessageId. A store that throws (private mode, quota exceeded, disabled storage) or holds
 * something unreadable costs the copy, never the messages in memory.
 */
export function keyValueOutboxStorage(store: KeyValueStore | null, userId: string, tabId: string): OutboxStorage {
  // encodeURIComponent leaves no ':' in the user id, so one user's prefix never matches another's keys.
  const prefix = `hubapp.outbox:${encodeURIComponent(userId)}:`;
  const key = prefix + encodeURIComponent(tabId);
  /** False when the copy could not be written (kept in memory; the next save tries again). */
  const write = (entries: readonly OutboxEntry[]): boolean => {
    try {
      if (!store) {
        return false;
      }
      if (entries.length === 0) {
        store.removeItem(key);
      } else {
        store.setItem(key, serialize(entries));
      }
      return true;
    } catch {
      return false;
    }
  };
  return {
    load() {
      if (!store) {
        return [];
      }
      try {
        const keys = [key];
        for (let i = 0; i < store.length; i++) {
          const other = store.key(i);
          if (other !== null && other !== key && other.startsWith(prefix)) {
            keys.push(other);
          }
        }
        const seen = new Set<string>();
        const entries = keys.flatMap((k) => deserialize(store.getItem(k))).filter((e) => !seen.has(e.id) && seen.add(e.id));
        entries.sort((a, b) => a.createdAt - b.createdAt);
        // The other tabs' copies go only once this tab holds them all.
        if (write(entries)) {
          for (const other of keys.slice(1)) {
            store.removeItem(other);
          }
        }
        return entries;
      } catch {
        return [];
      }
    },
    save(entries) {
      write(entries);
    },
  };
}

/** Keeps nothing: for a page without storage. */
export const memoryOutboxStorage = (): OutboxStorage => ({ load: () => [], save: () => {} });

/** The outbox storage of one user in this browser tab: localStorage, under the tab's own key. */
export function browserOutboxStorage(userId: string): OutboxStorage {
  return keyValueOutboxStorage(localStore(), userId, tabId());
}

/**
 * This tab's id, kept in sessionStorage so that a reload of the tab keeps its outbox key (a fresh one where
 * sessionStorage is unavailable: the next load adopts what this one left).
 */
function tabId(): string {
  try {
    const saved = sessionStorage.getItem("hubapp.tab");
    if (saved) {
      return saved;
    }
    const id = newClientMessageId();
    sessionStorage.setItem("hubapp.tab", id);
    return id;
  } catch {
    return newClientMessageId();
  }
}

/** The page's localStorage, or null where reading it throws (storage disabled). */
function localStore(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
