import { pendingAttachmentsElement } from "./attachment-view";
import { el, timeElement } from "./dom";
import { shownOf, type Shown } from "./fold";
import { dayLabel, lineStart, type Stamp } from "./grouping";
import { mentions, messageSegments } from "./message-text";
import type { Line, PendingLine } from "./line";

// One line of the message list (li.message) as the page shows it: its header, its text with links and
// mentions, its edited or deleted state, and how it begins (day separator, grouped under the line above).
// Every piece of message text goes in through textContent (see dom.ts).

/** What a line offers besides React, Reply, Edit and Delete. */
export interface LineOffers {
  /** "Reply in thread" (a top-level room message). */
  threads: boolean;
}

/** A message line's element, not yet grouped: call `regroup` once it is in the list. `myNames`: see `showText`. */
export function messageElement(line: Line, own: boolean, myNames: readonly string[] | null, offers: LineOffers = { threads: false }): HTMLLIElement {
  const item = el("li", {
    className: own ? "message own" : "message",
    attrs: { "data-id": String(line.id), "data-author": line.authorId, "data-author-name": line.authorName, "data-sent-at": line.sentAt },
  },
  el("div", { className: "message-meta" },
    el("span", { className: "author", text: own ? "You" : line.authorName, attrs: { title: line.authorId } }),
    timeElement(line.sentAt)),
  el("p", { className: "message-text" }));
  item.append(messageActions(own, offers));
  showText(item, shownOf(line), own ? null : myNames);
  return item;
}

/**
 * A message's React, Reply, Reply in thread, Edit (own lines) and Delete buttons. They sit over the line's corner and
 * show for one line at a time (message-actions.ts), so showing them moves nothing; they are in the tab order all the
 * time. Delete on others' lines shows only while the list is marked `moderating` (see styles.css), so a role change
 * needs no render.
 */
function messageActions(own: boolean, offers: LineOffers): HTMLDivElement {
  const button = (action: string, text: string, label: string) =>
    el("button", { className: "message-action", text, attrs: { type: "button", "data-action": action, "aria-label": label } });
  const actions = el("div", { className: "message-actions" },
    button("react", "React", "Add reaction"),
    button("reply", "Reply", "Reply"));
  if (offers.threads) {
    actions.append(button("thread", "Thread", "Reply in thread"));
  }
  if (own) {
    actions.append(button("edit", "Edit", "Edit message"));
  }
  actions.append(button("delete", "Delete", "Delete message"));
  return actions;
}

/**
 * Shows a message's current text: links as `<a target="_blank" rel="noopener noreferrer">`, a mention of the user
 * (any of `myNames`; null: none is highlighted, as in one's own lines) as `<mark class="mention">` with the line
 * marked `mentioned`; "(edited)" after an edited text, "message deleted" instead of a deleted one.
 */
export function showText(item: HTMLLIElement, shown: Shown, myNames: readonly string[] | null): void {
  const paragraph = item.querySelector<HTMLParagraphElement>(".message-text")!;
  item.classList.toggle("deleted", shown.deleted);
  item.classList.toggle("mentioned", !shown.deleted && myNames !== null && mentions(shown.text, myNames));
  if (shown.deleted) {
    paragraph.textContent = "message deleted";
  } else {
    paragraph.replaceChildren(...messageSegments(shown.text, myNames).map((segment) => {
      switch (segment.kind) {
        case "link":
          return el("a", { text: segment.text, attrs: { href: segment.href, target: "_blank", rel: "noopener noreferrer" } });
        case "mention":
          return el("mark", { className: "mention", text: segment.text });
        default:
          return document.createTextNode(segment.text);
      }
    }));
  }
  // Right after the text, before the reactions and the thread line (appended later, it would go below them).
  const marker = item.querySelector(".message-edited");
  if (shown.edited && !shown.deleted) {
    if (marker === null) {
      paragraph.after(el("span", { className: "message-edited", text: "(edited)" }));
    }
  } else {
    marker?.remove();
  }
}

/** Decides again how a line begins from the line above it (see grouping.ts); other list items are skipped. */
export function regroup(item: HTMLLIElement, now = new Date()): void {
  const start = lineStart(stampOf(previousLine(item)), stampOf(item)!);
  const author = item.querySelector<HTMLElement>(".author")!;
  item.classList.toggle("day-start", start.dayStart);
  item.classList.toggle("continued", start.continued);
  item.querySelector<HTMLElement>(".message-meta")!.hidden = start.continued;

  let separator = item.querySelector(":scope > .day-separator");
  if (start.dayStart) {
    separator ??= item.insertBefore(el("h2", { className: "day-separator" }), item.firstChild);
    separator.textContent = dayLabel(item.dataset.sentAt!, now);
  } else {
    separator?.remove();
  }
  // A grouped line has no visible header; a screen reader still hears whose it is.
  let by = item.querySelector(":scope > .continued-by");
  if (start.continued) {
    by ??= item.insertBefore(el("span", { className: "sr-only continued-by" }), item.querySelector(".message-text"));
    by.textContent = `${author.textContent}:`;
  } else {
    by?.remove();
  }
}

/** Scrolls a line into view, focuses it (for keyboard and screen-reader users) and marks it for a moment. */
export function revealLine(item: HTMLLIElement): void {
  item.tabIndex = -1;
  item.scrollIntoView({ block: "center" });
  item.focus({ preventScroll: true });
  item.classList.remove("flash");
  void item.offsetWidth; // Restarts the animation when the same line is revealed again.
  item.classList.add("flash");
}

/** The next message line below this one, or null. */
export function nextLine(item: Element): HTMLLIElement | null {
  return sibling(item, "nextElementSibling");
}

function previousLine(item: Element): HTMLLIElement | null {
  return sibling(item, "previousElementSibling");
}

function sibling(item: Element, direction: "nextElementSibling" | "previousElementSibling"): HTMLLIElement | null {
  let current = item[direction];
  while (current !== null && !(current instanceof HTMLLIElement && current.dataset.sentAt !== undefined)) {
    current = current[direction];
  }
  return current;
}

function stampOf(item: HTMLLIElement | null): Stamp | null {
  return item === null ? null : { authorId: item.dataset.author!, sentAt: item.dataset.sentAt! };
}

/** A line of the outbox: "sending…", or "not sent" with Retry and Discard. */
export function pendingElement(line: PendingLine): HTMLLIElement {
  const state = line.failed ? "failed" : "sending";
  const delivery = line.failed
    ? el("span", { className: "delivery" },
      el("span", { text: "not sent — " }),
      el("button", { className: "link-button", text: "retry", attrs: { type: "button", "data-outbox": "retry", "aria-label": "Retry sending" } }),
      el("span", { text: " / " }),
      el("button", { className: "link-button", text: "discard", attrs: { type: "button", "data-outbox": "discard", "aria-label": "Discard message" } }))
    : el("span", { className: "delivery", text: "sending…" });
  return el("li", {
    className: `message own ${line.failed ? "failed" : "pending"}`,
    attrs: { "data-client-id": line.clientMessageId, "data-state": state, title: line.reason ?? "" },
  },
  el("div", { className: "message-meta" }, el("span", { className: "author", text: "You" }), delivery),
  el("p", { className: "message-text", text: line.text }),
  ...(line.attachments?.length ? [pendingAttachmentsElement(line.attachments)] : []));
}
