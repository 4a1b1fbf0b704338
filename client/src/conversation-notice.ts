import { byId, el } from "./dom";

/** What the open conversation's notice says, and the buttons it offers. */
export interface Notice {
  text: string;
  actions?: readonly { label: string; run(): void }[];
  /** When it stops being true by itself (a mute's end, ms since the epoch): the page is asked to show it again then. */
  refreshAt?: number;
}

/** setTimeout's longest wait; a notice due later is looked at again then. */
const maxWaitMs = 2_147_483_647;

/**
 * A lasting line just above the composer about the open conversation (#conversation-notice): that the user is
 * muted or was removed from the room, or that the person written to was never seen here. Unlike a toast it
 * stays while it is true; a polite status region, so that a screen reader reads it when it changes.
 */
export class ConversationNotice {
  private readonly element = el("div", { className: "conversation-notice", attrs: { id: "conversation-notice", role: "status", hidden: "" } });
  private shown: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `refresh` shows the notice again (with what is true then) when one reaches its `refreshAt`. */
  constructor(private readonly refresh: () => void) {
    byId("composer").before(this.element);
  }

  show(notice: Notice | null): void {
    const key = notice === null ? null : `${notice.text}\n${(notice.actions ?? []).map((a) => a.label).join("\n")}`;
    if (key === this.shown) {
      return; // Unchanged: not read out again.
    }
    this.shown = key;
    this.stopTimer();
    if (notice?.refreshAt !== undefined) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.refresh();
      }, Math.min(Math.max(notice.refreshAt - Date.now(), 0) + 250, maxWaitMs));
    }
    this.element.hidden = notice === null;
    if (notice === null) {
      this.element.replaceChildren();
      return;
    }
    const buttons = (notice.actions ?? []).map((action) => {
      const button = el("button", { className: "small", text: action.label, attrs: { type: "button" } });
      button.addEventListener("click", () => action.run());
      return button;
    });
    this.element.replaceChildren(el("p", { className: "conversation-notice-text", text: notice.text }),
      ...(buttons.length > 0 ? [el("div", { className: "row" }, ...buttons)] : []));
  }

  clear(): void {
    this.stopTimer();
    this.element.remove();
  }

  private stopTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
