// Which message line shows its Edit and Delete buttons: one at a time, always. A tap (or a long press) on a line
// shows them and a second tap, a tap elsewhere or Escape hides them; a mouse shows them on the line it is over;
// Tab reaches them (they stay in the tab order) and focus shows them. Hidden ones take no taps, so they never
// cover a line's text (see `.actions-open` in styles.css).

/** A press held this long on a touch screen shows the line's actions. */
const longPressMs = 500;
/** A finger that moves this far is scrolling, not pressing. */
const moveSlackPx = 10;

export class MessageActionsReveal {
  private open: HTMLLIElement | null = null;
  private press: { timer: ReturnType<typeof setTimeout>; x: number; y: number } | null = null;
  /** A long press showed the actions: the click that ends it must not hide them again. */
  private swallowClick = false;

  constructor(private readonly list: HTMLElement, signal: AbortSignal) {
    list.addEventListener("click", (event) => {
      if (this.swallowClick) {
        this.swallowClick = false;
        return;
      }
      const target = event.target as Element | null;
      if (target?.closest("button, a, input, textarea, select")) {
        return;
      }
      const line = lineOf(target);
      // A mouse shows them by hovering: its click leaves them be. A tap toggles them.
      const mouse = (event as PointerEvent).pointerType === "mouse";
      this.show(line !== null && line === this.open && !mouse ? null : line);
    }, { signal });
    list.addEventListener("pointerover", (event) => {
      if (event.pointerType === "mouse") {
        this.show(lineOf(event.target as Element | null) ?? this.focused());
      }
    }, { signal });
    list.addEventListener("pointerleave", (event) => {
      if (event.pointerType === "mouse") {
        this.show(this.focused());
      }
    }, { signal });
    list.addEventListener("focusin", (event) => this.show(lineOf(event.target as Element | null)), { signal });
    list.addEventListener("focusout", (event) => {
      const next = event.relatedTarget as Node | null;
      if (this.open !== null && (next === null || !this.open.contains(next))) {
        this.show(null);
      }
    }, { signal });
    list.addEventListener("pointerdown", (event) => {
      this.swallowClick = false; // A long press a browser ended without a click.
      const line = lineOf(event.target as Element | null);
      if (event.pointerType !== "mouse" && line !== null) {
        this.cancelPress();
        this.press = {
          timer: setTimeout(() => {
            this.press = null;
            this.swallowClick = true;
            this.show(line);
          }, longPressMs),
          x: event.clientX,
          y: event.clientY,
        };
      }
    }, { signal });
    list.addEventListener("pointermove", (event) => {
      if (this.press && Math.hypot(event.clientX - this.press.x, event.clientY - this.press.y) > moveSlackPx) {
        this.cancelPress();
      }
    }, { signal });
    for (const type of ["pointerup", "pointercancel"] as const) {
      list.addEventListener(type, () => this.cancelPress(), { signal });
    }
    document.addEventListener("pointerdown", (event) => {
      if (this.open !== null && !(event.target instanceof Node && list.contains(event.target))) {
        this.show(null);
      }
    }, { signal });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.open !== null) {
        this.show(null);
      }
    }, { signal });
  }

  /** Hides whatever shows (the list is being refilled). */
  reset(): void {
    this.cancelPress();
    this.swallowClick = false;
    this.show(null);
  }

  private show(line: HTMLLIElement | null): void {
    if (line === this.open) {
      return;
    }
    this.open?.classList.remove("actions-open");
    this.open = line;
    line?.classList.add("actions-open");
  }

  /** The line holding focus, if any (a mouse leaving a line leaves the focused one showing). */
  private focused(): HTMLLIElement | null {
    return lineOf(this.list.contains(document.activeElement) ? document.activeElement : null);
  }

  private cancelPress(): void {
    if (this.press) {
      clearTimeout(this.press.timer);
      this.press = null;
    }
  }
}

/** The message line with actions that holds `target`. */
function lineOf(target: Element | null): HTMLLIElement | null {
  const line = target?.closest<HTMLLIElement>("li[data-id]") ?? null;
  return line?.querySelector(".message-actions") ? line : null;
}
