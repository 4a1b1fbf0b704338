import { byId, el } from "./dom";
import type { Placing } from "./outbox-entry";
import { showQuote, type Quote } from "./reply-quote";

/**
 * "Replying to …" above the composer (#reply-draft): the message the next one answers, with a button to stop
 * replying. Set by a line's Reply; cleared by sending, Escape in the composer, or opening another conversation.
 */
export class ReplyDraft {
  private readonly element = el("div", { className: "reply-draft", attrs: { id: "reply-draft", hidden: "" } });
  private readonly quote = el("div", { className: "reply-quote" }, el("span", { className: "quote-author" }), el("span", { className: "quote-text" }));
  private replyToId: number | null = null;

  constructor(signal: AbortSignal) {
    const cancel = el("button", { className: "small", text: "×", attrs: { type: "button", "aria-label": "Stop replying" } });
    this.element.append(el("span", { className: "reply-label muted", text: "Replying to" }), this.quote, cancel);
    const composer = byId("composer");
    composer.prepend(this.element);
    cancel.addEventListener("click", () => {
      this.clear();
      byId("message-input").focus();
    }, { signal });
    byId("message-input").addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.replyToId !== null && !event.defaultPrevented) {
        this.clear();
      }
    }, { signal });
  }

  /** Where the composer's next message goes: an answer to the quoted one, or top-level. */
  get placing(): Placing {
    return { replyToId: this.replyToId, threadId: null };
  }

  set(messageId: number, quote: Quote): void {
    this.replyToId = messageId;
    showQuote(this.quote, quote);
    this.element.hidden = false;
  }

  /** A change in the open conversation: the quoted message deleted meanwhile reads as such. */
  changed(change: { kind?: string | undefined; targetId?: number | null | undefined }): void {
    if (change.kind === "delete" && this.replyToId !== null && change.targetId === this.replyToId) {
      showQuote(this.quote, { authorName: "", text: "deleted message", gone: true });
    }
  }

  /** Hidden and emptied: a deleted message's text must not stay in the page, even out of sight. */
  clear(): void {
    this.replyToId = null;
    this.element.hidden = true;
    showQuote(this.quote, { authorName: "", text: "", gone: false });
  }
}
