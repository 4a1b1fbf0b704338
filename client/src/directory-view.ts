import type { RoomSummary } from "./contract";
import { Debouncer, directoryQuery, directoryRows, type DirectoryRow } from "./directory";
import { byId, el } from "./dom";
import { describeError } from "./errors";

/** Typing pauses this long before the directory asks again. */
const searchDelayMs = 250;
/** The contract's largest ListRooms page. */
export const DirectoryLimit = 200;

export interface DirectoryActions {
  /** ListRooms(query, 200). */
  list(query: string | null): Promise<RoomSummary[]>;
  join(room: string): void;
  /** The rooms joined now, marked as such. */
  joined(): ReadonlySet<string>;
}

/** The Browse rooms dialog (#directory-dialog): a search box and the rooms it finds; choosing one joins it. */
export class DirectoryDialog {
  private readonly dialog = byId<HTMLDialogElement>("directory-dialog");
  private readonly search = byId<HTMLInputElement>("directory-search");
  private readonly list = byId("directory-list");
  private readonly status = byId("directory-status");
  private readonly debouncer = new Debouncer<string>(searchDelayMs, (typed) => void this.load(typed));
  /** Answers to an older search are dropped: only the latest request's may render. */
  private ticket = 0;

  constructor(private readonly actions: DirectoryActions, signal: AbortSignal) {
    byId("directory-open").addEventListener("click", () => this.open(), { signal });
    byId("directory-close").addEventListener("click", () => this.dialog.close(), { signal });
    this.search.addEventListener("input", () => this.debouncer.push(this.search.value), { signal });
    this.search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.debouncer.cancel();
        void this.load(this.search.value);
      }
    }, { signal });
    this.dialog.addEventListener("close", () => this.debouncer.cancel(), { signal });
    signal.addEventListener("abort", () => this.debouncer.cancel());
  }

  open(): void {
    this.search.value = "";
    this.list.replaceChildren();
    this.dialog.showModal();
    this.search.focus();
    void this.load("");
  }

  close(): void {
    if (this.dialog.open) {
      this.dialog.close();
    }
  }

  private async load(typed: string): Promise<void> {
    const ticket = ++this.ticket;
    this.status.textContent = "Loading…";
    let rooms: RoomSummary[];
    try {
      rooms = await this.actions.list(directoryQuery(typed));
    } catch (error) {
      if (ticket === this.ticket) {
        this.status.textContent = describeError(error).message;
      }
      return;
    }
    if (ticket !== this.ticket) {
      return;
    }
    const rows = directoryRows(rooms, this.actions.joined());
    this.list.replaceChildren(...rows.map((row) => this.item(row)));
    this.status.textContent = rows.length === 0 ? "No rooms found." : rows.length === 1 ? "1 room" : `${rows.length} rooms`;
  }

  private item(row: DirectoryRow): HTMLLIElement {
    const label = [`#${row.room}`, row.kind, row.topic, row.present, row.joined ? "joined" : ""].filter((part) => part !== "").join(", ");
    const button = el("button", { className: "directory-room", attrs: { type: "button", "aria-label": label } },
      el("span", { className: "directory-name", text: `#${row.room}` }),
      el("span", { className: `kind-badge kind-${row.kind}`, text: row.kind }),
      el("span", { className: "directory-present muted small-text", text: row.present }),
      el("span", { className: "directory-topic muted small-text", text: row.topic }));
    button.addEventListener("click", () => {
      this.dialog.close();
      this.actions.join(row.room);
    });
    return el("li", {}, button);
  }
}
