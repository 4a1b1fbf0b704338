// A conversation, a room or a direct one: its timeline, paging, sending, read marker and pending sends. The
// session merges what arrives into the conversation it belongs to, and the conversation hands the new lines to
// the page (session → conversation → view); the page asks the conversation, never "room or DM?".

import type { AttachmentFiles } from "./attachment-files";
import type { ChatConnection } from "./connection";
import type { Attachment, Member } from "./contract";
import type { Notice } from "./conversation-notice";
import type { ChatError } from "./errors";
import type { Outbox } from "./outbox";
import { foldPending, TopLevel, type OutboxEntry, type OutboxTarget, type Placing } from "./outbox-entry";
import { countable, type Arrival, type Line, type PendingLine, type PlacedLine } from "./line";
import type { LineSource } from "./line-set";
import type { People } from "./people";
import type { Countable } from "./read-state";
import { channelKey, type Channel } from "./rooms";
import { Timeline, type Identified, type Placement } from "./timeline";
import type { HistoryEdge, Opened } from "./timeline-view";

/** Where a conversation's new lines go: the page. */
export interface ConversationListener {
  /** Lines merged into a conversation's timeline (none shown twice), each with where it goes. */
  messages(conversation: Conversation, lines: PlacedLine[], arrival: Arrival): void;
  /**
   * (v3) The server's current state of messages the conversation holds (React's answer, a parent fetched): their
   * reactions and threads as of entry `asOf`, to show in place of what was folded before.
   */
  updated(conversation: Conversation, lines: Line[], asOf: number): void;
}

/** What every conversation of a session shares. */
export interface ConversationContext {
  readonly me: string;
  readonly connection: ChatConnection;
  readonly outbox: Outbox;
  readonly people: People;
  /** (v3) Reads attachment files with the user's token. */
  readonly files: AttachmentFiles;
  readonly listener: ConversationListener;
  /** Something the session did by itself (a rejoin, a sync) failed on a live connection: the page says why. */
  report(error: ChatError): void;
}

/** How a desktop notification reads for a line. */
export interface Alert {
  title: string;
  direct: boolean;
  /** The line mentions the user (`@name`). */
  mention: boolean;
}

/** The history page size for scroll-back. */
export const HistoryPageSize = 50;
/** Messages one `GetMessages` reads at most (the contract's limit). */
const maxLoad = 100;

export abstract class Conversation<T extends Identified & { clientMessageId?: string | null } = Identified> {
  readonly timeline = new Timeline<T>();
  /** The conversation's first message is held: there is nothing older to load. */
  historyExhausted = false;

  constructor(protected readonly context: ConversationContext) {}

  abstract readonly channel: Channel;
  /** Where its sends go in the outbox. */
  abstract readonly target: OutboxTarget;
  /** The pane's title: `#room` or `@name`. */
  abstract get title(): string;
  /** The composer's placeholder, or null when nothing can be sent here (a room the user was removed from). */
  abstract get composerLabel(): string | null;
  /** What sits above the oldest line. */
  abstract edge(): HistoryEdge;
  /** Loads the page of messages before the oldest one held (the newest page at first). Returns how many were new. */
  abstract loadOlder(): Promise<number>;
  /** Moves the user's read marker here (MarkRead / MarkDirectRead); the server never moves it back. */
  abstract markRead(messageId: number): Promise<void>;
  abstract alert(line: Line): Alert;
  /** Changes the text of one of the user's messages (EditMessage / EditDirectMessage); the edit is folded on at once. */
  abstract edit(messageId: number, text: string): Promise<void>;
  /** Deletes a message (DeleteMessage / DeleteDirectMessage), likewise. */
  abstract remove(messageId: number): Promise<void>;
  /** (v3) Adds or takes back the user's reaction (React / ReactDirect); the message's new state is shown at once. */
  abstract react(messageId: number, emoji: string, add: boolean): Promise<void>;
  /** (v3) Stored messages the timeline does not hold (a quoted parent, a thread root), as they are now; missing ones left out. */
  protected abstract load(ids: readonly number[]): Promise<T[]>;
  protected abstract line(item: T): Line;

  /** (v3) Whether its messages may have threads (rooms: yes; direct conversations: no). */
  get threads(): boolean {
    return false;
  }

  /** (v3) The replies of a thread as stored now, oldest first. */
  thread(_rootId: number): Promise<Line[]> {
    return Promise.resolve([]);
  }

  /** (v3) Whom typing `@` offers: the people of the conversation, the user excluded by the caller. */
  mentionable(): Member[] {
    return [];
  }

  /** Messages read outside the timeline (quoted parents, thread roots), by id; kept so each is read once. */
  private readonly loaded = new Map<number, Line>();
  /** Reads asked for (answered or on their way), by id, and those not sent yet. */
  private readonly wanted = new Map<number, Promise<Line | null>>();
  private readonly wantedBatch: { id: number; resolve(line: Line | null): void; reject(error: unknown): void }[] = [];

  /** A message as the page holds it (in the timeline or read for a quote), with its stored state: undefined if not held. */
  find(id: number): Line | undefined {
    const item = this.timeline.get(id);
    return item !== undefined ? this.held(item) : this.loaded.get(id);
  }

  /**
   * A message, read from the server when not held; null when it does not exist (never did, or pruned). The ids
   * asked for at once (a page of replies whose parents are not held) go in one read, as reads have an allowance.
   */
  fetch(id: number): Promise<Line | null> {
    const held = this.find(id);
    if (held !== undefined) {
      return Promise.resolve(held);
    }
    let waiting = this.wanted.get(id);
    if (waiting === undefined) {
      waiting = new Promise<Line | null>((resolve, reject) => {
        this.wantedBatch.push({ id, resolve, reject });
      });
      this.wanted.set(id, waiting);
      if (this.wantedBatch.length === 1) {
        queueMicrotask(() => void this.loadWanted());
      }
    }
    return waiting;
  }

  /** The ids asked for since the last read, read in pages of `maxLoad`; a failed read lets them be asked again. */
  private async loadWanted(): Promise<void> {
    const batch = this.wantedBatch.splice(0);
    for (let start = 0; start < batch.length; start += maxLoad) {
      const part = batch.slice(start, start + maxLoad);
      try {
        const found = new Map((await this.load(part.map((w) => w.id))).map((item) => [item.id, item]));
        for (const want of part) {
          const item = found.get(want.id);
          const line = item === undefined ? null : this.line(item);
          if (line !== null) {
            this.loaded.set(want.id, line);
          }
          want.resolve(line);
        }
      } catch (error) {
        part.forEach((want) => {
          this.wanted.delete(want.id);
          want.reject(error);
        });
      }
    }
  }

  /** Where the page's message lists look up quoted parents, and who reads them. */
  lineSource(): LineSource {
    const { me, people, files } = this.context;
    return {
      me, myNames: [me, people.nameOf(me)], threads: this.threads, files,
      nameOf: (id) => people.nameOf(id), find: (id) => this.find(id), fetch: (id) => this.fetch(id),
    };
  }

  /** The key of its sidebar entry and unread count: `r:<room>` or `d:<userId>`. */
  get key(): string {
    return channelKey(this.channel);
  }

  get newestId(): number | null {
    return this.timeline.lastId;
  }

  /** Who is typing, as the line below the messages says it. */
  typingLine(): string {
    return "";
  }

  /** The lasting notice above its composer, null for none. */
  notice(): Notice | null {
    return null;
  }

  /** Opened for the first time since the page loaded: its newest page is to be read. */
  wantsHistory(): boolean {
    return false;
  }

  lines(): Line[] {
    return this.timeline.all.map((item) => this.held(item));
  }

  /** What the page holds of it, as unread counting sees it. */
  counted(): Countable[] {
    return this.lines().map(countable);
  }

  /**
   * Puts a message in the outbox: it shows as "sending…" at once and goes when the conversation is ready on a
   * live connection, at the pace the server allows, retried with the same `clientMessageId` until it is stored.
   */
  send(text: string, placing: Placing = TopLevel, attachments: readonly Attachment[] = []): OutboxEntry {
    return this.context.outbox.enqueue(this.target, text, placing, attachments);
  }

  /** Its outbox entries that the timeline does not hold the stored copy of, in the main timeline or one thread. */
  pending(threadId: number | null = null): PendingLine[] {
    const entries = this.context.outbox.pendingFor(this.target).filter((e) => (e.threadId ?? null) === threadId);
    return foldPending(this.timeline.all, entries).map(pendingLine);
  }

  /** The pane's first view of it, the "New messages" divider after `unreadAfter`. */
  opened(unreadAfter: number | null): Opened {
    return { title: this.title, lines: this.lines(), pending: this.pending(), edge: this.edge(), typing: this.typingLine(), unreadAfter, source: this.lineSource() };
  }

  /** Merged items to the page, as lines. */
  protected show(placements: readonly Placement<T>[], arrival: Arrival): void {
    this.context.listener.messages(this, placements.map((p) => ({ line: this.held(p.item), beforeId: p.beforeId })), arrival);
  }

  /** A timeline item as a line, with how new its stored state is. */
  private held(item: T): Line {
    return { ...this.line(item), asOf: this.timeline.asOf(item.id) };
  }

  /** Items the server returned in their current state (React's answer): shown in place of what was folded. */
  protected stored(items: readonly T[]): void {
    for (const item of items) {
      if (this.loaded.has(item.id)) {
        this.loaded.set(item.id, this.line(item));
      }
    }
    this.context.listener.updated(this, items.map((item) => this.line(item)), this.timeline.lastId ?? 0);
  }

  /** The user's own stored messages seen anywhere settle their outbox entries (fold by clientMessageId). */
  protected settle(items: readonly T[]): void {
    for (const item of items) {
      const line = this.line(item);
      if (line.clientMessageId && line.authorId === this.context.me) {
        this.context.outbox.acknowledge(line.clientMessageId);
      }
    }
  }
}

const pendingLine = (entry: OutboxEntry): PendingLine => ({
  clientMessageId: entry.id,
  text: entry.text,
  failed: entry.status === "failed",
  ...(entry.error ? { reason: entry.error.message } : {}),
  ...(entry.attachments?.length ? { attachments: entry.attachments } : {}),
});
