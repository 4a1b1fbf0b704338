import type { Conversation } from "./conversation";
import { keepFocusInside } from "./dismiss";
import { byId } from "./dom";
import { describeError } from "./errors";
import { isChange } from "./fold";
import { wireLineActions, type LineActions } from "./line-actions";
import { LineSet } from "./line-set";
import { editInline, type InlineEdit } from "./message-edit";
import type { Line } from "./line";
import { MessageActionsReveal } from "./message-actions";
import { regroup, revealLine } from "./message-view";
import { PendingLines } from "./pending-lines";

/** Where the panel takes the whole screen (styles.css's phone width). */
const phoneWidth = "(max-width: 760px)";

export interface ThreadActions extends LineActions {
  /** Something went wrong that the user should read. */
  notify(message: string): void;
}

/**
 * The thread panel (#thread): a root message and its replies (contract v3: replies are entries of the room log,
 * shown here and not in the main timeline), with a composer of its own that posts into the thread. A side panel
 * on a wide screen, the whole screen on a phone (styles.css). Its lines fold edits, deletes and reactions as the
 * main timeline's do (line-set.ts); what arrives while it is open comes from the conversation, as there.
 */
export class ThreadPanel {
  private readonly panel = byId("thread");
  private readonly list = byId<HTMLOListElement>("thread-list");
  private readonly status = byId("thread-status");
  private readonly form = byId<HTMLFormElement>("thread-composer");
  private readonly input = byId<HTMLTextAreaElement>("thread-input");
  private readonly lines = new LineSet(this.list);
  private readonly pending = new PendingLines(this.list);
  private readonly reveal: MessageActionsReveal;
  private conversation: Conversation | null = null;
  private rootId: number | null = null;
  /** Where focus goes back to when it closes. */
  private opener: HTMLElement | null = null;

  constructor(private readonly maxLength: number, private readonly actions: ThreadActions, signal: AbortSignal) {
    wireLineActions(this.list, actions, signal);
    this.reveal = new MessageActionsReveal(this.list, signal);
    byId("thread-close").addEventListener("click", () => this.close(), { signal });
    // On a phone the panel is the whole screen: Tab stays in it, as in the drawer.
    keepFocusInside(this.panel, () => this.rootId !== null && window.matchMedia(phoneWidth).matches, signal);
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !event.defaultPrevented && !(event.target as Element).closest(".message-edit")) {
        this.close();
      }
    }, { signal });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    }, { signal });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.defaultPrevented) {
        event.preventDefault();
        this.send();
      }
    }, { signal });
  }

  /** The thread open (its root's id), or null. */
  get openRoot(): number | null {
    return this.rootId;
  }

  /** The thread's text box, for `@` completion. */
  get textBox(): HTMLTextAreaElement {
    return this.input;
  }

  /** Opens the thread of `rootId` in `conversation`: its root as the page holds it (or reads it), then its replies. */
  async open(conversation: Conversation, rootId: number): Promise<void> {
    this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.conversation = conversation;
    this.rootId = rootId;
    this.list.replaceChildren();
    this.pending.clear();
    this.lines.reset({ ...conversation.lineSource(), threads: false });
    this.panel.hidden = false;
    document.body.classList.add("thread-open");
    this.status.textContent = "Loading the thread…";
    this.input.focus();
    const newest = conversation.newestId ?? 0;
    try {
      const root = await conversation.fetch(rootId);
      const replies = await conversation.thread(rootId);
      if (this.conversation !== conversation || this.rootId !== rootId) {
        return;
      }
      if (root === null) {
        this.status.textContent = "This message is no longer there.";
        return;
      }
      this.status.textContent = "";
      const asOf = Math.max(newest, ...replies.map((r) => r.id));
      this.add(root, asOf).classList.add("thread-root");
      for (const reply of replies) {
        this.add(reply, asOf);
      }
      // What the reads do not cover: a root the timeline holds reads as it arrived (its reactions since are entries of
      // the timeline), and entries may have arrived while the replies were read. Folding skips what a line has already.
      const since = Math.min(root.asOf ?? asOf, asOf);
      this.arrived(conversation, conversation.lines().filter((line) => line.id > since));
      this.pendingChanged();
    } catch (error) {
      this.status.textContent = `The thread could not be loaded: ${describeError(error).message}`;
    }
  }

  close(): void {
    if (this.rootId === null) {
      return;
    }
    this.clearView();
    this.opener?.focus();
    this.opener = null;
  }

  /** New entries of a conversation: its thread's replies and changes to the lines shown. */
  arrived(conversation: Conversation, lines: readonly Line[]): void {
    if (conversation !== this.conversation || !this.lines.elements.has(this.rootId!)) {
      return;
    }
    for (const line of lines) {
      if (isChange(line)) {
        this.lines.fold(line);
      } else if (line.threadId === this.rootId && !this.lines.elements.has(line.id)) {
        this.pending.remove(line.clientMessageId ?? "");
        this.add(line, line.id);
      }
    }
    this.pendingChanged();
  }

  /** The server's current state of messages (React's answer). */
  updated(conversation: Conversation, lines: readonly Line[], asOf: number): void {
    if (conversation === this.conversation) {
      for (const line of lines) {
        this.lines.update(line, asOf);
      }
    }
  }

  /** The thread's outbox lines below its replies. */
  pendingChanged(): void {
    const showing = this.conversation !== null && this.rootId !== null && this.lines.elements.has(this.rootId);
    this.pending.show(showing ? this.conversation!.pending(this.rootId) : []);
  }

  /** Edits a reply in place (see message-edit.ts); false when the panel does not show it or it is deleted. */
  beginEdit(messageId: number, edit: InlineEdit): boolean {
    const item = this.lines.elements.get(messageId);
    const shown = this.lines.shownOf(messageId);
    if (item === undefined || shown === undefined || shown.deleted) {
      return false;
    }
    editInline(item, shown.text, { save: edit.save, done: () => this.input.focus() });
    return true;
  }

  /** Owners and moderators see Delete on everyone's replies, as in the timeline. */
  setModerating(moderating: boolean): void {
    this.list.classList.toggle("moderating", moderating);
  }

  /** Scrolls a reply into view and focuses it; false when the panel does not show it. */
  show(messageId: number): boolean {
    const item = this.lines.elements.get(messageId);
    if (item !== undefined) {
      revealLine(item);
    }
    return item !== undefined;
  }

  /** The conversation went (left, removed) or the page is cleared. */
  clear(): void {
    this.clearView();
    this.opener = null;
  }

  private clearView(): void {
    this.reveal.reset();
    this.conversation = null;
    this.rootId = null;
    this.list.replaceChildren();
    this.lines.reset(null);
    this.pending.clear();
    this.panel.hidden = true;
    document.body.classList.remove("thread-open");
  }

  /** A message line in id order (replies come in order nearly always: scan from the end). */
  private add(line: Line, asOf: number): HTMLLIElement {
    const item = this.lines.create(line, asOf);
    let before: Element | null = this.pending.first();
    for (const [id, other] of this.lines.elements) {
      if (id > line.id && other !== item && other.isConnected && (before === null || Number((before as HTMLElement).dataset.id ?? Infinity) > id)) {
        before = other;
      }
    }
    this.list.insertBefore(item, before);
    regroup(item);
    const next = item.nextElementSibling;
    if (next instanceof HTMLLIElement && next.dataset.sentAt !== undefined) {
      regroup(next);
    }
    return item;
  }

  private send(): void {
    const text = this.input.value;
    if (this.conversation === null || this.rootId === null || text.trim() === "") {
      return;
    }
    if (text.length > this.maxLength) {
      this.actions.notify(`That message is ${text.length - this.maxLength} characters too long.`);
      return;
    }
    this.conversation.send(text, { replyToId: null, threadId: this.rootId });
    this.input.value = "";
    this.pendingChanged();
  }
}
