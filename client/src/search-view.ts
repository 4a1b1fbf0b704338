import type { ChatConnection } from "./connection";
import { HubMethods, type ChatMessage, type DirectMessage } from "./contract";
import { byId, el, timeElement } from "./dom";
import { describeError } from "./errors";
import type { Channel } from "./rooms";
import { groupResults, highlight, searchable, type Found, type FoundGroup } from "./search-text";

/** Results per search, the contract's largest `limit`. */
const resultLimit = 50;

export interface SearchHost {
  readonly me: string;
  /** Shows the message in its room or conversation (loading it if needed). */
  jump(channel: Channel, found: Found): void;
}

/**
 * The search box in the sidebar (#search-form) and its results (#search-results): the user's rooms
 * (SearchMessages) and direct conversations (SearchDirectMessages), grouped by room, the query's words marked.
 * Each result is a button that jumps to the message. Text goes in through textContent only.
 */
export class SearchView {
  private readonly form = byId<HTMLFormElement>("search-form");
  private readonly input = byId<HTMLInputElement>("search-input");
  private readonly status = byId("search-status");
  private readonly results = byId("search-results");
  /** Counts searches: an answer to an older one is dropped. */
  private generation = 0;

  constructor(private readonly connection: ChatConnection, private readonly host: SearchHost, signal: AbortSignal) {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.search(this.input.value);
    }, { signal });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.input.value !== "") {
        event.stopPropagation();
        this.input.value = "";
        this.clear();
      }
    }, { signal });
    this.input.addEventListener("input", () => {
      if (this.input.value === "") {
        this.clear();
      }
    }, { signal });
  }

  async search(query: string): Promise<void> {
    const generation = ++this.generation;
    if (!searchable(query)) {
      this.results.replaceChildren();
      this.status.textContent = "Type a word to search for.";
      return;
    }
    this.status.textContent = "Searching…";
    // Each half stands alone: a failure of one (a server without it, a limit) still shows the other's results.
    const [rooms, direct] = await Promise.allSettled([
      this.connection.call<ChatMessage[]>(HubMethods.searchMessages, query, null, null, resultLimit),
      this.connection.call<DirectMessage[]>(HubMethods.searchDirectMessages, query, null, resultLimit),
    ]);
    if (generation !== this.generation) {
      return;
    }
    if (rooms.status === "rejected" && direct.status === "rejected") {
      this.results.replaceChildren();
      this.status.textContent = `Search failed: ${describeError(rooms.reason).message}`;
      return;
    }
    const groups = groupResults(rooms.status === "fulfilled" ? rooms.value : [], direct.status === "fulfilled" ? direct.value : [], this.host.me);
    const count = groups.reduce((n, g) => n + g.found.length, 0);
    this.status.textContent = count === 0 ? `Nothing found for “${query.trim()}”.` : `${count} ${count === 1 ? "message" : "messages"} found`;
    this.results.replaceChildren(...groups.map((group) => this.group(group, query)));
  }

  clear(): void {
    this.generation++;
    this.results.replaceChildren();
    this.status.textContent = "";
  }

  private group(group: FoundGroup, query: string): HTMLLIElement {
    const heading = el("h3", { className: "search-group-title", text: group.title });
    return el("li", { className: "search-group" }, heading,
      el("ul", { className: "search-found", attrs: { "aria-label": group.title } }, ...group.found.map((found) => this.result(found, query))));
  }

  private result(found: Found, query: string): HTMLLIElement {
    const text = el("span", { className: "search-text" }, ...highlight(found.text, query).map((piece) =>
      (piece.hit ? el("mark", { text: piece.text }) : document.createTextNode(piece.text))));
    const button = el("button", { className: "search-result", attrs: { type: "button", "data-found": String(found.id) } },
      el("span", { className: "search-meta" }, el("span", { className: "author", text: found.authorName }), timeElement(found.sentAt)), text);
    const channel: Channel = found.room !== null ? { kind: "room", name: found.room } : { kind: "dm", userId: found.partnerId! };
    button.addEventListener("click", () => this.host.jump(channel, found));
    return el("li", {}, button);
  }
}
