// How the phone's overlays (the rooms drawer, the member panel) let go: Escape, a tap outside, and for the
// drawer a Tab that stays inside while it is open. Listeners live on the document until `signal` aborts.

const focusable = "a[href], button, input, textarea, select, [tabindex]";

export interface Overlay {
  /** The overlay itself; a tap inside it keeps it open. */
  element: HTMLElement;
  /** The button that opens it: a tap on it is its own (a toggle), not a tap outside. */
  toggle: HTMLElement;
  isOpen(): boolean;
  /** Closes it; after Escape, focus goes back to the toggle. */
  close(): void;
}

/** Escape and a tap (or click) outside the overlay and its toggle close it while it is open. */
export function dismissOnEscapeOrOutsideTap(overlay: Overlay, signal: AbortSignal): void {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && overlay.isOpen()) {
      overlay.close();
      overlay.toggle.focus();
    }
  }, { signal });
  document.addEventListener("pointerdown", (event) => {
    const target = event.target;
    if (overlay.isOpen() && target instanceof Node && !overlay.element.contains(target) && !overlay.toggle.contains(target)) {
      overlay.close();
    }
  }, { signal });
}

/** While `active()`, Tab and Shift+Tab cycle through the focusable elements of `container` and never leave it. */
export function keepFocusInside(container: HTMLElement, active: () => boolean, signal: AbortSignal): void {
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Tab" || !active()) {
      return;
    }
    const stops = focusStops(container);
    if (stops.length === 0) {
      return;
    }
    const first = stops[0]!;
    const last = stops[stops.length - 1]!;
    const current = document.activeElement;
    const inside = current instanceof Node && container.contains(current);
    if (!inside || (event.shiftKey ? current === first : current === last)) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  }, { signal });
}

/** The elements Tab stops at, in order: enabled, not taken out with tabindex=-1, and shown. */
function focusStops(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(focusable)].filter((element) =>
    element.tabIndex >= 0 && !(element as HTMLButtonElement).disabled && element.getClientRects().length > 0);
}
