import type { RoomBan } from "./contract";
import { byId, el } from "./dom";
import { describeUntil } from "./durations";

export interface BansSource {
  /** GetBans for the room. */
  load(room: string): Promise<RoomBan[]>;
  /** UnbanFromRoom; the list is read again once it is done (`show(room, true)`). */
  unban(room: string, userId: string): void;
  nameOf(userId: string): string;
}

/** "banned by alice until 6 Dec 2026, 19:44", "banned for good" (who banned is not known for old bans). */
export function banDetails(ban: RoomBan, nameOf: (userId: string) => string, now: Date): string {
  const by = ban.byUserId === null ? "" : ` by ${nameOf(ban.byUserId)}`;
  return `banned${by} ${describeUntil(ban.until, now)}`;
}

/**
 * The open room's bans (GetBans) in its panel, for its owner and moderators: who, by whom, until when, and an
 * Unban button on each, so that nobody has to type a user id to lift a ban. Read when the room opens and again
 * after each moderation command (see app.ts).
 */
export class BansView {
  private readonly list = el("ul", { className: "member-list", attrs: { id: "room-ban-list", "aria-labelledby": "room-bans-heading" } });
  private readonly empty = el("p", { className: "muted small-text", text: "No one is banned." });
  private readonly section = el("section", { className: "stack room-bans", attrs: { id: "room-bans", "aria-labelledby": "room-bans-heading", hidden: "" } },
    el("h3", { className: "section-title", text: "Banned", attrs: { id: "room-bans-heading" } }), this.list, this.empty);
  private room: string | null = null;

  constructor(private readonly source: BansSource) {
    byId("room-user-form").after(this.section);
  }

  /** Shows `room`'s bans (null hides them); the same room is read again only when `refresh`. */
  async show(room: string | null, refresh = false): Promise<void> {
    if (room === this.room && !refresh) {
      return;
    }
    this.room = room;
    if (room === null) {
      this.render(null);
      return;
    }
    let bans: RoomBan[] | null;
    try {
      bans = await this.source.load(room);
    } catch {
      bans = null; // Not (or no longer) a moderator: the server decides.
    }
    if (this.room === room) {
      this.render(bans);
    }
  }

  clear(): void {
    this.room = null;
    this.section.remove();
  }

  private render(bans: readonly RoomBan[] | null, now = new Date()): void {
    this.section.hidden = bans === null;
    this.empty.hidden = bans === null || bans.length > 0;
    this.list.replaceChildren(...(bans ?? []).map((ban) => {
      const name = this.source.nameOf(ban.userId);
      const unban = el("button", { className: "small link", text: "Unban", attrs: { type: "button", "aria-label": `Unban ${name}` } });
      const room = this.room!;
      unban.addEventListener("click", () => this.source.unban(room, ban.userId));
      return el("li", { className: "room-member" },
        el("span", { className: "member-name", text: name, attrs: { title: ban.userId } }),
        el("span", { className: "muted small-text", text: banDetails(ban, (id) => this.source.nameOf(id), now) }),
        unban);
    }));
  }
}
