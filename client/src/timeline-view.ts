import { byId } from "./dom";
import { fold, isChange, shownOf, type Shown } from "./fold";
import { editInline, type InlineEdit } from "./message-edit";
import { MessageActionsReveal } from "./message-actions";
import { messageElement, nextLine, pendingElement, regroup, showText } from "./message-view";
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
}

export interface TimelineActions {
  /** The user asked for older messages (the button, or scrolling near the top). */
  loadOlder(): void;
  /** Send a "not sent" message again (same clientMessageId). */
  retry(clientMessageId: string): void;
  /** Drop a "not sent" message. */
  discard(clientMessageId: string): void;
  /** The newest line may have come into view (the read marker may move). */
  latestSeen(): void;
  /** A message's Edit button (own room messages). */
  edit(messageId: number): void;
  /** A message's Delete button. */
  remove(messageId: number): void;
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
  private readonly lineElements = new Map<number, HTMLLIElement>();
  /** The outbox's lines, by clientMessageId, always after every stored line. */
  private readonly pendingElements = new Map<string, HTMLLIElement>();
  /** What each shown line shows now, with the edits and deletes folded on. */
  private readonly shown = new Map<number, Shown>();
  private readonly unread: UnreadView;
  private readonly actionsReveal: MessageActionsReveal;
  /** The line being edited in place, and how to cancel that. */
  private editing: { id: number; cancel: () => void } | null = null;

  /** `myName` is the signed-in user's display name, whose @mentions are highlighted. */
  constructor(private readonly me: string, actions: TimelineActions, signal: AbortSignal, private readonly myName: string | null = null) {
    this.unread = new UnreadView(this.messages, this.list, () => actions.latestSeen(), signal);
    this.actionsReveal = new MessageActionsReveal(this.list, signal);
    this.loadOlderButton.addEventListener("click", () => actions.loadOlder(), { signal });
    this.list.addEventListener("click", (event) => {
      const action = (event.target as Element | null)?.closest<HTMLButtonElement>("button[data-action]");
      const messageId = Number(action?.closest<HTMLElement>("li[data-id]")?.dataset.id);
      if (action && Number.isInteger(messageId)) {
        if (action.dataset.action === "edit") {
          actions.edit(messageId);
        } else {
          actions.remove(messageId);
        }
        return;
      }
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
      if (this.messages.scrollTop < loadOlderPx) {
        actions.loadOlder();
      }
    }, { signal, passive: true });
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
    this.insert(opened.lines.map((line) => ({ line, beforeId: null })), "history");
    this.showPending(opened.pending);
    this.showTyping(opened.typing);
    this.showEdge(opened.edge);
    this.scrollToBottom();
    this.unread.open(opened.unreadAfter);
  }

  /**
   * Adds the lines not shown yet and returns them; edit and delete entries change the line they target
   * instead. Groups each new line and the one below it again, so that lines inserted above (scroll-back) or
   * between (catch-up) leave the grouping and day separators as a fresh render would. Follows new lines when the user was at the bottom or sent
   * one; history prepended above keeps what the user was reading in place.
   */
  insert(lines: readonly PlacedLine[], arrival: Arrival): Line[] {
    const nearBottom = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < stickToBottomPx;
    const heightBefore = this.messages.scrollHeight;
    const prepending = lines.length > 0 && lines[lines.length - 1]!.beforeId !== null && arrival === "history";
    const shown: Line[] = [];
    let ownNew = false;
    const placed = new Set<HTMLLIElement>();
    for (const { line, beforeId } of lines) {
      if (isChange(line)) {
        this.foldOnto(line);
        continue;
      }
      if (this.lineElements.has(line.id)) {
        continue;
      }
      const item = messageElement(line, line.authorId === this.me, this.myName);
      if (line.clientMessageId) {
        // Stored: it takes the place of its "sending…" line.
        this.pendingElements.get(line.clientMessageId)?.remove();
        this.pendingElements.delete(line.clientMessageId);
      }
      const before = beforeId === null ? this.firstPending() : this.lineElements.get(beforeId) ?? this.firstPending();
      this.list.insertBefore(item, before);
      this.lineElements.set(line.id, item);
      this.shown.set(line.id, shownOf(line));
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

  /**
   * Shows exactly these outbox lines below the stored ones, in this order: new ones are added at the end, the
   * state of the others updated in place, and those no longer pending removed (a stored line replaced them).
   */
  showPending(lines: readonly PendingLine[]): void {
    const wanted = new Set(lines.map((l) => l.clientMessageId));
    for (const [id, item] of this.pendingElements) {
      if (!wanted.has(id)) {
        item.remove();
        this.pendingElements.delete(id);
      }
    }
    let added = false;
    for (const line of lines) {
      const existing = this.pendingElements.get(line.clientMessageId);
      const state = line.failed ? "failed" : "sending";
      if (existing?.dataset.state === state && existing.title === (line.reason ?? "")) {
        continue;
      }
      const item = pendingElement(line);
      if (existing) {
        existing.replaceWith(item);
      } else {
        this.list.append(item);
        added = true;
      }
      this.pendingElements.set(line.clientMessageId, item);
    }
    if (added) {
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
    const item = this.lineElements.get(messageId);
    const shown = this.shown.get(messageId);
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
    this.lineElements.clear();
    this.pendingElements.clear();
    this.shown.clear();
    this.typingLine.textContent = "";
  }

  /** An edit or delete of a line not shown is dropped: when history brings that line, it is stored folded. */
  private foldOnto(change: Line): void {
    const targetId = change.targetId ?? null;
    const item = targetId === null ? undefined : this.lineElements.get(targetId);
    const before = targetId === null ? undefined : this.shown.get(targetId);
    if (item === undefined || before === undefined) {
      return;
    }
    const after = fold(before, change);
    if (after !== before) {
      this.shown.set(targetId!, after);
      showText(item, after, item.classList.contains("own") ? null : this.myName);
      if (after.deleted && this.editing?.id === targetId) {
        this.editing.cancel(); // Deleted meanwhile (by a moderator, or in another tab): nothing left to edit.
      }
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

  private firstPending(): HTMLLIElement | null {
    return this.list.querySelector<HTMLLIElement>(":scope > li[data-client-id]");
  }

  private scrollToBottom(): void {
    this.messages.scrollTop = this.messages.scrollHeight;
  }
}
