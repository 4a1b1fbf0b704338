import type { RoomKind, RoomSummary } from "./contract";

/** One row of the room directory as shown. */
export interface DirectoryRow {
  room: string;
  kind: RoomKind;
  topic: string;
  present: string;
  joined: boolean;
}

/** The directory keeps the server's order (most recently active first); it only words each row. */
export function directoryRows(summaries: readonly RoomSummary[], joined: ReadonlySet<string>): DirectoryRow[] {
  return summaries.map((s) => ({
    room: s.room,
    kind: s.kind,
    topic: s.topic ?? "",
    present: s.present === 1 ? "1 here" : `${s.present} here`,
    joined: joined.has(s.room),
  }));
}

/** The ListRooms query for what is typed in the search box: null (all) for nothing but white space. */
export function directoryQuery(typed: string): string | null {
  const query = typed.trim();
  return query === "" ? null : query;
}

/** Calls `run` with the latest value once typing pauses for `ms`. */
export class Debouncer<T> {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly ms: number, private readonly run: (value: T) => void) {}

  push(value: T): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run(value);
    }, this.ms);
  }

  cancel(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
