import { byId, el } from "./dom";

const toastMs = 6000;
/** Older toasts give way so a burst of errors cannot cover the page. */
const maxToasts = 3;

/** What the page tells the user in passing: toasts (#toasts) for errors, and the screen-reader announcer. */
export class Notices {
  private readonly toasts = byId("toasts");
  private readonly announcer = byId("announcer");

  toast(message: string): void {
    const item = el("p", { className: "toast", text: message });
    this.toasts.append(item);
    while (this.toasts.childElementCount > maxToasts) {
      this.toasts.firstElementChild!.remove();
    }
    setTimeout(() => item.remove(), toastMs);
  }

  /** Read out by screen readers (a polite live region); shows nothing. */
  announce(text: string): void {
    this.announcer.textContent = text;
  }

  clear(): void {
    this.toasts.replaceChildren();
  }
}
