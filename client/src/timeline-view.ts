import type { ChatMessage, DirectMessage } from "./contract";
import { byId, el, timeElement } from "./dom";
import type { Arrival } from "./session";
import { UnreadView } from "./unread-view";

/** One line of the message list, a room message or a direct one. */
export interface Line {
  id: number;
  authorId: string;
  authorName: string;
  text: string;
  sentAt: string;
}

/** A line and where it goes: before the line with id `beforeId`, or at the end when null (see `Placement`). */
export interface PlacedLine {
  line: Line;
  beforeId: number | null;
}

export const roomLine = (m: ChatMessage): Line => ({ id: m.id, authorId: m.userId, authorName: m.userName, text: m.text, sentAt: m.sentAt });
export const directLine = (m: DirectMessage): Line => ({ id: m.id, authorId: m.fromUserId, authorName: m.fromUserName, text: m.text, sentAt: m.sentAt });

/** What sits above the oldest line: a way to load older messages, or where the conversation starts. */
export type HistoryEdge = { kind: "room"; name: string; exhausted: boolean } | { kind: "dm"; partnerName: string; exhausted: boolean };

/** A conversation as the pane first shows it. */
export interface Opened {
  title: string;
  lines: readonly Line[];
  edge: HistoryEdge;
  typing: string;
  /** The read marker, for the "New messages" divider above the first unread line; null for none. */
  unreadAfter: number | null;
}

export interface TimelineActions {
  /** The user asked for older messages (the button, or scrolling near the top). */
  loadOlder(): void;
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
  private readonly lineElements = new Map<number, HTMLLIElement>();
  private readonly unread: UnreadView;

  constructor(private readonly me: string, actions: TimelineActions, signal: AbortSignal) {
    this.unread = new UnreadView(this.messages, this.list, () => actions.latestSeen(), signal);
    this.loadOlderButton.addEventListener("click", () => actions.loadOlder(), { signal });
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
    this.showTyping(opened.typing);
    this.showEdge(opened.edge);
    this.scrollToBottom();
    this.unread.open(opened.unreadAfter);
  }

  /**
   * Adds the lines not shown yet and returns them. Follows new lines when the user was at the bottom or sent
   * one; history prepended above keeps what the user was reading in place.
   */
  insert(lines: readonly PlacedLine[], arrival: Arrival): Line[] {
    const nearBottom = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < stickToBottomPx;
    const heightBefore = this.messages.scrollHeight;
    const prepending = lines.length > 0 && lines[lines.length - 1]!.beforeId !== null && arrival === "history";
    const shown: Line[] = [];
    let ownNew = false;
    for (const { line, beforeId } of lines) {
      if (this.lineElements.has(line.id)) {
        continue;
      }
      const item = this.lineElement(line, line.authorId === this.me);
      const before = beforeId === null ? null : this.lineElements.get(beforeId) ?? null;
      this.list.insertBefore(item, before);
      this.lineElements.set(line.id, item);
      shown.push(line);
      ownNew ||= line.authorId === this.me && arrival === "new";
    }
    if (prepending) {
      this.messages.scrollTop += this.messages.scrollHeight - heightBefore;
    } else if (nearBottom || ownNew) {
      this.scrollToBottom();
    }
    this.unread.changed(arrival === "history");
    return shown;
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
    this.historyStart.textContent = edge.kind === "room"
      ? `This is the beginning of #${edge.name}.`
      : `This is the beginning of your conversation with ${edge.partnerName}.`;
  }

  /** While a history page is on its way the button cannot ask for another. */
  setLoadingOlder(loading: boolean): void {
    this.loadOlderButton.disabled = loading;
  }

  clear(): void {
    this.unread.clear();
    this.list.replaceChildren();
    this.lineElements.clear();
    this.typingLine.textContent = "";
  }

  private lineElement(line: Line, own: boolean): HTMLLIElement {
    return el("li", { className: own ? "message own" : "message", attrs: { "data-id": String(line.id) } },
      el("div", { className: "message-meta" },
        el("span", { className: "author", text: own ? "You" : line.authorName, attrs: { title: line.authorId } }),
        timeElement(line.sentAt)),
      el("p", { className: "message-text", text: line.text }));
  }

  private scrollToBottom(): void {
    this.messages.scrollTop = this.messages.scrollHeight;
  }
}
