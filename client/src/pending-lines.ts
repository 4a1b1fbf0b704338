import type { PendingLine } from "./line";
import { pendingElement } from "./message-view";

/** The outbox's lines of a message list ("sending…", "not sent"), by clientMessageId, always after every stored line. */
export class PendingLines {
  private readonly elements = new Map<string, HTMLLIElement>();

  constructor(private readonly list: HTMLElement) {}

  /**
   * Shows exactly these lines, in this order: new ones are added at the end, the state of the others updated in
   * place, and those no longer pending removed (a stored line replaced them). Returns whether one was added.
   */
  show(lines: readonly PendingLine[]): boolean {
    const wanted = new Set(lines.map((l) => l.clientMessageId));
    for (const [id, item] of this.elements) {
      if (!wanted.has(id)) {
        item.remove();
        this.elements.delete(id);
      }
    }
    let added = false;
    for (const line of lines) {
      const existing = this.elements.get(line.clientMessageId);
      const state = line.failed ? "failed" : "sending";
      if (existing?.dataset.state === state && existing.title === (line.reason ?? "")) {
        continue;
      }
      const item = pendingElement(line);
      if (existing) {
        existing.replaceWith(item);
      } else {
        this.list.append(item);
        added = true;
      }
      this.elements.set(line.clientMessageId, item);
    }
    return added;
  }

  /** A stored line takes the place of its "sending…" line. */
  remove(clientMessageId: string): void {
    this.elements.get(clientMessageId)?.remove();
    this.elements.delete(clientMessageId);
  }

  /** The first outbox line (stored lines go before it), or null. */
  first(): HTMLLIElement | null {
    return this.list.querySelector<HTMLLIElement>(":scope > li[data-client-id]");
  }

  clear(): void {
    this.elements.clear();
  }
}
