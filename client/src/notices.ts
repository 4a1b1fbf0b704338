import { byId, el } from "./dom";

const toastMs = 6000;
/** Older toasts give way so a burst of errors cannot cover the page. */
const maxToasts = 3;

/** What the page tells the user in passing: toasts (#toasts) for errors, and the screen-reader announcer. */
export class Notices {
  private readonly toasts = byId("toasts");
  private readonly announcer = byId("announcer");
  /** The message the announcer reads now ("room:general 12"), so that its edit or delete can take the text back. */
  private announced: string | null = null;

  toast(message: string): void {
    const item = el("p", { className: "toast", text: message });
    this.toasts.append(item);
    while (this.toasts.childElementCount > maxToasts) {
      this.toasts.firstElementChild!.remove();
    }
    setTimeout(() => item.remove(), toastMs);
  }

  /** Read out by screen readers (a polite live region); shows nothing. `message` names a message's text. */
  announce(text: string, message: { channel: string; id: number } | null = null): void {
    this.announcer.textContent = text;
    this.announced = message === null ? null : `${message.channel} ${message.id}`;
  }

  /**
   * The message was edited or deleted: the announcer stays in the page after it is read, and must not keep a
   * deleted text (contract: gone from every read) nor one the line no longer shows.
   */
  withdraw(channel: string, id: number): void {
    if (this.announced === `${channel} ${id}`) {
      this.announce("");
    }
  }

  clear(): void {
    this.toasts.replaceChildren();
  }
}
