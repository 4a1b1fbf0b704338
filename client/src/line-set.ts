import { BlobUrls, type AttachmentFiles } from "./attachment-files";
import { attachmentsElement } from "./attachment-view";
import { el, timeElement } from "./dom";
import { fold, rewrites, shownOf, type Shown } from "./fold";
import type { Line } from "./line";
import { messageElement, showText } from "./message-view";
import { showReactions } from "./reaction-bar";
import { foldReaction, reactionsOf, serverReactions, type Reactions } from "./reactions";
import { quoteElement, quoteOf, showQuote } from "./reply-quote";
import { foldReply, foldReplyDeleted, participantsText, replyCountText, serverThread, threadOf, type Thread } from "./threads";

/** Where a list's lines come from: the open conversation, and who reads it. */
export interface LineSource {
  readonly me: string;
  /** The names a mention of the user goes by (`@userId`, `@userName`), highlighted in others' lines. */
  readonly myNames: readonly string[];
  /** Whether top-level lines offer and show threads (rooms do; direct conversations and a thread's own replies do not). */
  readonly threads: boolean;
  /** (v3) Where the lines' attachments are read from. */
  readonly files: AttachmentFiles;
  nameOf(userId: string): string;
  /** A message the conversation holds (or read before), in its stored state. */
  find(id: number): Line | undefined;
  /** A message read from the server when not held; null when there is none. */
  fetch(id: number): Promise<Line | null>;
}

/**
 * The message lines of one list (the main timeline, or a thread panel) and what each shows now: its text with the
 * edits and deletes folded on, its reactions, its thread (on a root) and its quote (on a reply). Lines are made
 * here; where they go in the list is the owner's to say.
 */
export class LineSet {
  readonly elements = new Map<number, HTMLLIElement>();
  private readonly shown = new Map<number, Shown>();
  private readonly reactions = new Map<number, Reactions>();
  private readonly threads = new Map<number, Thread>();
  /** The thumbnails' `blob:` URLs, revoked when the lines leave the list. */
  private readonly blobs = new BlobUrls();
  private source: LineSource | null = null;

  constructor(private readonly list: HTMLElement) {}

  /** Empties the set for another conversation (or none). */
  reset(source: LineSource | null): void {
    this.source = source;
    this.blobs.revokeAll();
    this.elements.clear();
    this.shown.clear();
    this.reactions.clear();
    this.threads.clear();
  }

  /** The text a line shows now; undefined when it is not in the set. */
  shownOf(id: number): Shown | undefined {
    return this.shown.get(id);
  }

  /** A line for a new message, its stored state as of `line.asOf` (else `asOf`: the newest id its read covers). */
  create(line: Line, fallbackAsOf: number): HTMLLIElement {
    const asOf = line.asOf ?? fallbackAsOf;
    const source = this.source!;
    const own = line.authorId === source.me;
    const threads = source.threads && (line.threadId ?? null) === null;
    const item = messageElement(line, own, own ? null : source.myNames, { threads });
    this.elements.set(line.id, item);
    this.shown.set(line.id, shownOf(line));
    if ((line.replyToId ?? null) !== null) {
      const quote = quoteElement(line.replyToId!);
      item.insertBefore(quote, item.querySelector(".message-text"));
      void this.fillQuote(quote, line.replyToId!);
    }
    if (line.attachments?.length) {
      item.querySelector(".message-text")!.after(attachmentsElement(line.attachments, (url, apply, failed) => this.blobs.show(source.files.blob(url), apply, failed)));
    }
    this.setReactions(line.id, reactionsOf(line, Math.max(asOf, line.id)));
    if (threads) {
      this.setThread(line.id, threadOf(line, Math.max(asOf, line.id)));
    }
    return item;
  }

  /** An edit, delete, react or unreact entry: folded onto its target when the set shows it. Returns whether it did. */
  fold(change: Line): boolean {
    const targetId = change.targetId ?? null;
    const item = targetId === null ? undefined : this.elements.get(targetId);
    if (targetId === null || item === undefined) {
      return false;
    }
    if (!rewrites(change)) {
      this.setReactions(targetId, foldReaction(this.reactions.get(targetId) ?? reactionsOf({}, 0), change));
      return true;
    }
    const before = this.shown.get(targetId)!;
    const after = fold(before, change);
    if (after === before) {
      return false;
    }
    this.shown.set(targetId, after);
    showText(item, after, item.classList.contains("own") ? null : this.source!.myNames);
    for (const quote of this.list.querySelectorAll<HTMLElement>(`.reply-quote[data-quote-of="${targetId}"]`)) {
      showQuote(quote, quoteOf({ authorName: item.dataset.authorName ?? "" }, after));
    }
    return true;
  }

  /** A thread reply (or the delete of one, `change`): folded onto its root's thread line when the set shows the root. */
  foldThread(reply: Line, change: Line | null = null): void {
    const rootId = reply.threadId ?? null;
    const thread = rootId === null ? undefined : this.threads.get(rootId);
    if (thread === undefined) {
      return;
    }
    const author = this.elements.get(rootId!)!.dataset.author!;
    this.setThread(rootId!, change === null ? foldReply(thread, reply, author) : foldReplyDeleted(thread, change.id));
  }

  /** The server's current state of a shown message (React's answer): its reactions and thread as of `asOf`. */
  update(line: Line, asOf: number): void {
    const reactions = this.reactions.get(line.id);
    if (reactions !== undefined) {
      this.setReactions(line.id, serverReactions(reactions, line, asOf));
    }
    const thread = this.threads.get(line.id);
    if (thread !== undefined && line.thread !== undefined) {
      this.setThread(line.id, serverThread(thread, line, asOf));
    }
  }

  private setReactions(id: number, reactions: Reactions): void {
    this.reactions.set(id, reactions);
    showReactions(this.elements.get(id)!, reactions, this.source!.me, (userId) => this.source!.nameOf(userId));
  }

  /** The root's thread line: "3 replies · last reply 10:42", and who takes part; none before the first reply. */
  private setThread(id: number, thread: Thread): void {
    this.threads.set(id, thread);
    const item = this.elements.get(id)!;
    const summary = thread.summary;
    let line = item.querySelector<HTMLButtonElement>(":scope > .thread-line");
    if (summary.replyCount === 0) {
      line?.remove();
      return;
    }
    line ??= item.insertBefore(el("button", { className: "thread-line", attrs: { type: "button", "data-action": "thread" } }), item.querySelector(":scope > .message-actions"));
    const count = replyCountText(summary);
    const who = participantsText(summary, (userId) => this.source!.nameOf(userId), this.source!.me);
    const last = summary.lastReplyAt === null ? [] : [el("span", { text: " · last reply " }), timeElement(summary.lastReplyAt)];
    line.replaceChildren(el("span", { className: "thread-count", text: count }), ...last, el("span", { className: "thread-people", text: who }));
    line.setAttribute("aria-label", `${count}, ${who}: open the thread`);
  }

  /** A quote from what the page holds (folded as the set shows it), else read from the server. */
  private async fillQuote(quote: HTMLElement, parentId: number): Promise<void> {
    const source = this.source!;
    const held = source.find(parentId);
    if (held !== undefined) {
      showQuote(quote, quoteOf(held, this.shown.get(parentId) ?? shownOf(held)));
      return;
    }
    try {
      const parent = await source.fetch(parentId);
      if (this.source === source && !this.shown.has(parentId)) {
        showQuote(quote, quoteOf(parent, parent === null ? null : shownOf(parent)));
      }
    } catch {
      quote.querySelector(".quote-text")!.textContent = "message not loaded";
    }
  }
}
