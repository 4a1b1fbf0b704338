import { byId } from "./dom";
import { isChange, type Shown } from "./fold";
import { wireLineActions, type LineActions } from "./line-actions";
import { LineSet, type LineSource } from "./line-set";
import { editInline, type InlineEdit } from "./message-edit";
import { MessageActionsReveal } from "./message-actions";
import { nextLine, regroup, revealLine } from "./message-view";
import { PendingLines } from "./pending-lines";
import type { Arrival, Line, PendingLine, PlacedLine } from "./line";
import { UnreadView } from "./unread-view";

/** What sits above the oldest line: a way to load older messages, or where the conversation starts (`start`, as it reads). */
export type HistoryEdge = { exhausted: boolean; start: string };

/** A conversation as the pane first shows it. */
export interface Opened {
  title: string;
  lines: readonly Line[];
  /** The outbox's lines for this conversation, oldest first. */
  pending: readonly PendingLine[];
  /** Null: no history to show (a room the user was removed from). */
  edge: HistoryEdge | null;
  typing: string;
  /** The read marker, for the "New messages" divider above the first unread line; null for none. */
  unreadAfter: number | null;
  /** Where quoted parents are looked up, and who reads (null: nothing open). */
  source: LineSource | null;
}

export interface TimelineActions extends LineActions {
  /** The user asked for older messages (the button, or scrolling near the top). */
  loadOlder(): void;
  /** Send a "not sent" message again (same clientMessageId). */
  retry(clientMessageId: string): void;
  /** Drop a "not sent" message. */
  discard(clientMessageId: string): void;
  /** The newest line may have come into view (the read marker may move). */
  latestSeen(): void;
}

/** Scrolled this close to the bottom, the list follows new messages; this close to the top, it loads older ones. */
const stickToBottomPx = 80;
const loadOlderPx = 60;

/**
 * The conversation pane's title, its message list (#messages) with the history edge above it, and the typing
 * line below it. Shows each line id once; keeps the reading position while older lines are prepended.
 */
export class TimelineView {
  private readonly title = byId("conversation-title");
  private readonly messages = byId("messages");
  private readonly list = byId<HTMLOListElement>("message-list");
  private readonly loadOlderButton = byId<HTMLButtonElement>("load-older");
  private readonly historyStart = byId("history-start");
  private readonly typingLine = byId("typing");
  /** The message lines and what each shows now (text, reactions, thread, quote). */
  private readonly lines = new LineSet(this.list);
  private source: LineSource | null = null;
  /** The outbox's lines, always after every stored line. */
  private readonly pending = new PendingLines(this.list);
  private readonly unread: UnreadView;
  private readonly actionsReveal: MessageActionsReveal;
  /** The line being edited in place, and how to cancel that. */
  private editing: { id: number; cancel: () => void } | null = null;
  /** Scrolled to the newest line when last looked (a scroll, or a change of size, keeps it there). */
  private atBottom = true;

  constructor(private readonly me: string, actions: TimelineActions, signal: AbortSignal) {
    this.unread = new UnreadView(this.messages, this.list, () => actions.latestSeen(), signal);
    this.actionsReveal = new MessageActionsReveal(this.list, signal);
    this.loadOlderButton.addEventListener("click", () => actions.loadOlder(), { signal });
    wireLineActions(this.list, actions, signal);
    this.list.addEventListener("click", (event) => {
      const button = (event.target as Element | null)?.closest<HTMLButtonElement>("button[data-outbox]");
      const id = button?.closest<HTMLElement>("li[data-client-id]")?.dataset.clientId;
      if (button && id) {
        if (button.dataset.outbox === "retry") {
          actions.retry(id);
        } else {
          actions.discard(id);
        }
      }
    }, { signal });
    this.messages.addEventListener("scroll", () => {
      this.atBottom = this.nearBottom();
      if (this.messages.scrollTop < loadOlderPx) {
        actions.loadOlder();
      }
    }, { signal, passive: true });
    // The list narrows or shortens (the thread panel opens, a phone's keyboard shows): the newest line stays in view.
    const resized = new ResizeObserver(() => {
      if (this.atBottom) {
        this.scrollToBottom();
      }
    });
    resized.observe(this.messages);
    signal.addEventListener("abort", () => resized.disconnect());
  }

  /** Replaces what the pane shows, scrolled to the newest line; null shows the welcome state. */
  open(opened: Opened | null): void {
    this.clear();
    byId("empty-state").hidden = opened !== null;
    if (opened === null) {
      this.title.textContent = "Welcome";
      this.showEdge(null);
      return;
    }
    this.title.textContent = opened.title;
    this.source = opened.source;
    this.lines.reset(opened.source);
    this.insert(opened.lines.map((line) => ({ line, beforeId: null })), "history");
    this.showPending(opened.pending);
    this.showTyping(opened.typing);
    this.showEdge(opened.edge);
    this.scrollToBottom();
    this.unread.open(opened.unreadAfter);
  }

  /**
   * Adds the lines not shown yet and returns them; edit, delete and reaction entries change the line they target
   * instead, and thread replies their root's thread line (they show in the thread panel). Groups each new line and the one below it again, so that lines inserted above (scroll-back) or
   * between (catch-up) leave the grouping and day separators as a fresh render would. Follows new lines when the user was at the bottom or sent
   * one; history prepended above keeps what the user was reading in place.
   */
  insert(lines: readonly PlacedLine[], arrival: Arrival): Line[] {
    const nearBottom = this.nearBottom();
    const heightBefore = this.messages.scrollHeight;
    const prepending = lines.length > 0 && lines[lines.length - 1]!.beforeId !== null && arrival === "history";
    const shown: Line[] = [];
    let ownNew = false;
    const placed = new Set<HTMLLIElement>();
    // Stored copies are read as of the newest entry of their batch: entries up to it are in their state already.
    const asOf = lines.reduce((max, { line }) => Math.max(max, line.id), 0);
    for (const { line, beforeId } of lines) {
      if (isChange(line)) {
        this.foldOnto(line);
        continue;
      }
      if ((line.threadId ?? null) !== null) {
        this.lines.foldThread(line);
        continue;
      }
      if (this.lines.elements.has(line.id) || this.source === null) {
        continue;
      }
      const item = this.lines.create(line, asOf);
      if (line.clientMessageId) {
        // Stored: it takes the place of its "sending…" line.
        this.pending.remove(line.clientMessageId);
      }
      const before = beforeId === null ? this.pending.first() : this.lines.elements.get(beforeId) ?? this.pending.first();
      this.list.insertBefore(item, before);
      placed.add(item);
      shown.push(line);
      ownNew ||= line.authorId === this.me && arrival === "new";
    }
    this.regroup(placed);
    if (prepending) {
      this.messages.scrollTop += this.messages.scrollHeight - heightBefore;
    } else if (nearBottom || ownNew) {
      this.scrollToBottom();
    }
    this.unread.changed(arrival === "history");
    return shown;
  }

  /** The server's current state of shown messages (React's answer), as of entry `asOf`. */
  update(lines: readonly Line[], asOf: number): void {
    for (const line of lines) {
      this.lines.update(line, asOf);
    }
  }

  /** What a shown line shows now (edits and deletes folded on); undefined when it is not shown. */
  shownOf(messageId: number): Shown | undefined {
    return this.lines.shownOf(messageId);
  }

  /** Scrolls a shown message into view and marks it for a moment; false when it is not shown. */
  reveal(messageId: number): boolean {
    const item = this.lines.elements.get(messageId);
    if (item !== undefined) {
      revealLine(item);
    }
    return item !== undefined;
  }

  /** Shows exactly these outbox lines below the stored ones (see PendingLines), following them when one is added. */
  showPending(lines: readonly PendingLine[]): void {
    if (this.pending.show(lines)) {
      this.scrollToBottom();
    }
  }

  /** Whether the newest line is scrolled into view. */
  latestInView(): boolean {
    return this.unread.latestInView();
  }

  showTyping(text: string): void {
    this.typingLine.textContent = text;
  }

  /** Null (nothing open) hides both the button and the start. */
  showEdge(edge: HistoryEdge | null): void {
    if (edge === null) {
      this.loadOlderButton.hidden = true;
      this.historyStart.hidden = true;
      this.historyStart.textContent = "";
      return;
    }
    this.loadOlderButton.hidden = edge.exhausted;
    this.historyStart.hidden = !edge.exhausted;
    this.historyStart.textContent = edge.start;
  }

  /**
   * Edits a shown, not deleted line in place with its current text (see message-edit.ts); one at a time.
   * Returns false when there is no such line.
   */
  beginEdit(messageId: number, edit: InlineEdit): boolean {
    const item = this.lines.elements.get(messageId);
    const shown = this.lines.shownOf(messageId);
    if (item === undefined || shown === undefined || shown.deleted) {
      return false;
    }
    this.editing?.cancel();
    const cancel = editInline(item, shown.text, {
      save: edit.save,
      done: () => {
        this.editing = null;
        edit.done();
      },
    });
    this.editing = { id: messageId, cancel };
    item.scrollIntoView({ block: "nearest" });
    return true;
  }

  /** Owners and moderators see Delete on everyone's lines; others on their own only. */
  setModerating(moderating: boolean): void {
    this.list.classList.toggle("moderating", moderating);
  }

  /** While a history page is on its way the button cannot ask for another. */
  setLoadingOlder(loading: boolean): void {
    this.loadOlderButton.disabled = loading;
  }

  clear(): void {
    this.editing?.cancel();
    this.unread.clear();
    this.actionsReveal.reset();
    this.list.replaceChildren();
    this.lines.reset(null);
    this.source = null;
    this.pending.clear();
    this.typingLine.textContent = "";
  }

  /**
   * A change of a line not shown is dropped: when history brings that line, it is stored folded. The delete of a
   * thread reply takes it off its root's count.
   */
  private foldOnto(change: Line): void {
    const targetId = change.targetId ?? null;
    if (targetId === null) {
      return;
    }
    if (this.lines.fold(change) && this.lines.shownOf(targetId)?.deleted && this.editing?.id === targetId) {
      this.editing.cancel(); // Deleted meanwhile (by a moderator, or in another tab): nothing left to edit.
    }
    const target = change.kind === "delete" ? this.source?.find(targetId) : undefined;
    if (target !== undefined && (target.threadId ?? null) !== null) {
      this.lines.foldThread(target, change);
    }
  }

  /** The new lines and, below each, the line whose neighbour above may have changed. */
  private regroup(items: Set<HTMLLIElement>): void {
    const now = new Date();
    for (const item of [...items]) {
      const next = nextLine(item);
      if (next !== null) {
        items.add(next);
      }
    }
    for (const item of items) {
      regroup(item, now);
    }
  }


  private nearBottom(): boolean {
    return this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < stickToBottomPx;
  }

  private scrollToBottom(): void {
    this.messages.scrollTop = this.messages.scrollHeight;
  }
}
