import "./read-state.css";
import { el } from "./dom";

/** The latest line counts as seen when its bottom is within this of the list's visible bottom. */
const seenSlackPx = 4;
/** The divider sits this far below the top when the list opens at it. */
const dividerMarginPx = 8;

/**
 * The message list's "New messages" divider and its "Jump to latest" button. The divider goes above the first
 * line by someone else after the read marker when a conversation opens (or when history fills it in); the list
 * then opens at the divider if the newest line would push it out of view. The button shows while the newest
 * line is not in view. `seen` is called whenever the newest line may have come into view (scroll, open, new
 * lines), for the page to decide whether to move the read marker.
 */
export class UnreadView {
  private readonly jump = el("button", {
    className: "jump-latest small",
    text: "Jump to latest",
    attrs: { id: "jump-latest", type: "button", hidden: "" },
  });
  private unreadAfter: number | null = null;
  private divider: HTMLElement | null = null;
  /** Between clear() and open() the list is being refilled: nothing in it is seen yet. */
  private opened = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly list: HTMLElement,
    private readonly seen: () => void,
    signal: AbortSignal,
  ) {
    container.after(this.jump);
    this.jump.addEventListener("click", () => {
      container.scrollTop = container.scrollHeight;
      this.update();
    }, { signal });
    container.addEventListener("scroll", () => {
      if (this.opened) {
        this.update();
      }
    }, { signal, passive: true });
  }

  /** A conversation opened (already scrolled to its newest line); `unreadAfter` is the read marker, null for no divider. */
  open(unreadAfter: number | null): void {
    this.clear();
    this.opened = true;
    this.unreadAfter = unreadAfter;
    if (this.place()) {
      // Opened at the newest line, the first unread one may be above the view: open at it instead.
      const above = this.divider!.getBoundingClientRect().top - this.container.getBoundingClientRect().top - dividerMarginPx;
      if (above < 0) {
        this.container.scrollTop += above;
      }
    }
    this.update();
  }

  /** Lines were added: history may be what the divider goes above. */
  changed(history: boolean): void {
    if (!this.opened) {
      return;
    }
    if (history && this.divider === null) {
      this.place();
    }
    this.update();
  }

  /** Whether the newest line is scrolled into view (an empty list counts as seen). */
  latestInView(): boolean {
    const last = this.list.lastElementChild;
    if (!last) {
      return true;
    }
    return last.getBoundingClientRect().bottom <= this.container.getBoundingClientRect().bottom + seenSlackPx;
  }

  clear(): void {
    this.divider?.parentElement?.classList.remove("first-unread");
    this.divider?.remove();
    this.divider = null;
    this.unreadAfter = null;
    this.opened = false;
    this.jump.hidden = true;
  }

  private update(): void {
    const inView = this.latestInView();
    this.jump.hidden = inView;
    if (inView) {
      this.seen();
    }
  }

  /** Puts the divider above the first unread line by someone else; false when there is none. */
  private place(): boolean {
    if (this.unreadAfter === null) {
      return false;
    }
    for (const line of this.list.querySelectorAll<HTMLElement>("li[data-id]:not(.own)")) {
      if (Number(line.dataset.id) > this.unreadAfter) {
        this.divider = el("div", { className: "unread-divider", attrs: { role: "separator", "aria-label": "New messages" } },
          el("span", { text: "New messages" }));
        line.classList.add("first-unread");
        line.prepend(this.divider);
        return true;
      }
    }
    return false;
  }
}
