import { el } from "./dom";
import type { Shown } from "./fold";

// A reply's quote of its parent (contract v3: a reply holds no copy of its parent's text; the page shows the
// parent from what it holds, else reads it). Shown above a reply's text (a button: it jumps to the parent) and
// above the composer while a reply is being written.

/** What a quote of a parent shows. */
export interface Quote {
  authorName: string;
  text: string;
  /** The parent was deleted, or is gone (never stored, or pruned): its text is not shown. */
  gone: boolean;
}

/** How long a quoted text is at most; a longer one is cut with "…". */
const maxQuoteLength = 140;

/** The quote of a parent in its current state; null: it does not exist (any more). */
export function quoteOf(parent: { authorName: string } | null, shown: Shown | null): Quote {
  if (parent === null || shown === null) {
    return { authorName: "", text: "message not available", gone: true };
  }
  if (shown.deleted) {
    return { authorName: parent.authorName, text: "deleted message", gone: true };
  }
  const oneLine = shown.text.replace(/\s+/g, " ").trim();
  return { authorName: parent.authorName, text: oneLine.length > maxQuoteLength ? `${oneLine.slice(0, maxQuoteLength - 1)}…` : oneLine, gone: false };
}

/** A reply line's quote of message `parentId`, "…" until `showQuote` fills it in. */
export function quoteElement(parentId: number): HTMLButtonElement {
  return el("button", {
    className: "reply-quote",
    attrs: { type: "button", "data-quote-of": String(parentId), "aria-label": "Show the message this answers" },
  }, el("span", { className: "quote-author" }), el("span", { className: "quote-text", text: "…" }));
}

export function showQuote(element: HTMLElement, quote: Quote): void {
  element.classList.toggle("gone", quote.gone);
  element.querySelector(".quote-author")!.textContent = quote.authorName;
  element.querySelector(".quote-text")!.textContent = quote.text;
  if (element instanceof HTMLButtonElement) {
    element.setAttribute("aria-label", quote.gone ? `In reply to a ${quote.text}` : `In reply to ${quote.authorName}: ${quote.text}. Show it`);
  }
}
