/** Anything with an id that strictly increases within its conversation (room messages, direct messages). */
export interface Identified {
  id: number;
}

/** Where a newly merged item goes: before the item with id `beforeId`, or at the end when null. */
export interface Placement<T> {
  item: T;
  beforeId: number | null;
}

/**
 * One conversation's messages, in id order, each once. Live events, join snapshots, catch-up pages, history
 * pages and SignalR's stateful-reconnect replays may all deliver the same message; `merge` keeps the first
 * and reports only what is new, with where it goes, so the view inserts exactly those.
 *
 * `syncedId` is the id up to which nothing is missing since the conversation was joined: rejoining with it as
 * `sinceId` misses nothing. It advances with catch-up pages and, once a join is complete, with live messages
 * (the server delivers a room's messages in id order); live messages that arrive while a catch-up is still
 * running do not advance it, so a connection lost mid-catch-up resumes from the right place.
 */
export class Timeline<T extends Identified> {
  private readonly items: T[] = [];
  private readonly ids = new Set<number>();
  /** Per item, the newest id its stored copy is known to include (see `asOf`). */
  private readonly readAsOf = new Map<number, number>();
  private synced: number | null = null;
  private catchingUp = false;

  get length(): number {
    return this.items.length;
  }

  get all(): readonly T[] {
    return this.items;
  }

  /** The oldest id held, for `GetHistory(room, beforeId)`; null when empty. */
  get firstId(): number | null {
    return this.items.length > 0 ? this.items[0]!.id : null;
  }

  /** The newest id held; null when empty. */
  get lastId(): number | null {
    return this.items.length > 0 ? this.items[this.items.length - 1]!.id : null;
  }

  /** The `sinceId` for a rejoin; null before the first join completed. */
  get syncedId(): number | null {
    return this.synced;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** The item with this id, if held. */
  get(id: number): T | undefined {
    if (!this.ids.has(id)) {
      return undefined;
    }
    let low = 0;
    let high = this.items.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const item = this.items[middle]!;
      if (item.id === id) {
        return item;
      }
      [low, high] = item.id < id ? [middle + 1, high] : [low, middle - 1];
    }
    return undefined;
  }

  /**
   * The newest entry an item's stored copy includes: a copy read with a batch (a page, a snapshot) is as new as the
   * batch and as what the timeline held then; folding the entries after it onto it gives its current state.
   */
  asOf(id: number): number {
    return this.readAsOf.get(id) ?? id;
  }

  /** Adds the items not held yet (in any order, duplicates allowed) and returns them in id order with their place. */
  merge(incoming: readonly T[]): Placement<T>[] {
    const fresh = [...new Map(incoming.filter((m) => !this.ids.has(m.id)).map((m) => [m.id, m])).values()]
      .sort((a, b) => a.id - b.id);
    const placements: Placement<T>[] = [];
    const asOf = Math.max(this.lastId ?? 0, ...incoming.map((m) => m.id));
    for (const item of fresh) {
      this.readAsOf.set(item.id, asOf);
      const index = this.insertionIndex(item.id);
      this.items.splice(index, 0, item);
      this.ids.add(item.id);
      placements.push({ item, beforeId: index + 1 < this.items.length ? this.items[index + 1]!.id : null });
    }
    return placements;
  }

  /** A live event. Returns its placement, or null when it was already held. */
  mergeLive(item: T): Placement<T> | null {
    const [placement] = this.merge([item]);
    if (!this.catchingUp && this.synced !== null && item.id > this.synced) {
      this.synced = item.id;
    }
    return placement ?? null;
  }

  /**
   * A live event whose id skips past the sync point while no catch-up is running: something between was not
   * delivered (ids are consecutive within a room), and a catch-up from the sync point will fetch it.
   */
  skipsAhead(id: number): boolean {
    return !this.catchingUp && this.synced !== null && id > this.synced + 1;
  }

  /** A (re)join begins: live messages no longer prove that nothing before them is missing. */
  beginCatchUp(): void {
    this.catchingUp = true;
  }

  /**
   * One page of a join snapshot. `complete` is the snapshot's flag. Returns the new items' placements and the
   * `sinceId` for the next page (meaningful while not complete).
   */
  mergeCatchUp(page: readonly T[], complete: boolean): { placements: Placement<T>[]; nextSinceId: number } {
    const placements = this.merge(page);
    const pageLast = page.length > 0 ? Math.max(...page.map((m) => m.id)) : null;
    const floor = this.synced ?? 0;
    this.synced = Math.max(floor, pageLast ?? floor);
    if (complete) {
      this.catchingUp = false;
      this.synced = Math.max(this.synced, this.lastId ?? 0);
    }
    return { placements, nextSinceId: this.synced };
  }

  private insertionIndex(id: number): number {
    // Live messages nearly always go last; history pages first. Scan from the end.
    let index = this.items.length;
    while (index > 0 && this.items[index - 1]!.id > id) {
      index--;
    }
    return index;
  }
}
