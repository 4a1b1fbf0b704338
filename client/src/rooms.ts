import { dismissOnEscapeOrOutsideTap, keepFocusInside } from "./dismiss";
import { byId, el } from "./dom";
import { badgeText } from "./read-state";

/** What the conversation pane can show: a joined room or a direct conversation. */
export type Channel = { kind: "room"; name: string } | { kind: "dm"; userId: string };

/** A channel's key in the sidebar (`data-key`) and in the unread counts: `r:<room>` or `d:<userId>`. */
export function channelKey(channel: Channel): string {
  return channel.kind === "room" ? `r:${channel.name}` : `d:${channel.userId}`;
}

export interface ChannelListing {
  rooms: readonly string[];
  /** (v2) Private rooms the user was added to (AddedToRoom) and has not joined: listed to join. */
  invited: readonly string[];
  /** Rooms the user was kicked or banned from: listed, to open and read why, until closed. */
  removed: readonly string[];
  /** The user ids of the direct conversations. */
  partners: readonly string[];
  active: Channel | null;
  unread(key: string): number;
  /** (v3) Unread messages that mention the user: a badge of its own. */
  mentions(key: string): number;
  nameOf(userId: string): string;
}

export interface SidebarActions {
  open(channel: Channel): void;
  join(name: string): void;
  leave(): void;
}

/**
 * The rooms sidebar (#sidebar): the join form, the rooms and direct conversations with their unread badges,
 * and its drawer toggle on narrow screens; also the conversation header's Leave button. Renders what it is
 * given; what to join, open or leave is the actions' to decide.
 */
export class Sidebar {
  private readonly sidebar = byId("sidebar");
  private readonly menuToggle = byId<HTMLButtonElement>("menu-toggle");
  private readonly joinInput = byId<HTMLInputElement>("join-room");
  private readonly roomList = byId("room-list");
  private readonly dmList = byId("dm-list");
  private readonly leaveButton = byId("leave");
  /** Behind the open drawer at phone width: dims the page, and a tap on it closes the drawer. */
  private readonly backdrop = el("div", { className: "drawer-backdrop", attrs: { id: "drawer-backdrop", hidden: "", "aria-hidden": "true" } });

  constructor(private readonly actions: SidebarActions, signal: AbortSignal) {
    byId("join-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const name = this.joinInput.value;
      this.joinInput.value = "";
      actions.join(name);
    }, { signal });
    this.leaveButton.addEventListener("click", () => actions.leave(), { signal });
    this.sidebar.after(this.backdrop);
    this.backdrop.addEventListener("click", () => this.close(), { signal });
    this.menuToggle.addEventListener("click", () => {
      const open = !this.sidebar.classList.contains("open");
      this.sidebar.classList.toggle("open", open);
      this.backdrop.hidden = !open;
      this.menuToggle.setAttribute("aria-expanded", String(open));
      if (open) {
        // Into the drawer, on the open conversation: never on a text box, which would raise a phone's keyboard.
        (this.sidebar.querySelector<HTMLElement>(".channel[aria-current=page]") ?? this.sidebar.querySelector<HTMLElement>(".channel") ?? byId("directory-open")).focus();
      }
    }, { signal });
    // The open drawer (phone width) closes by Escape or a tap outside and keeps Tab inside.
    const isOpen = () => this.sidebar.classList.contains("open");
    dismissOnEscapeOrOutsideTap({ element: this.sidebar, toggle: this.menuToggle, isOpen, close: () => this.close() }, signal);
    keepFocusInside(this.sidebar, isOpen, signal);
    // Browse rooms and New room open modal dialogs: the drawer gives way, or it would hold Tab behind them.
    for (const id of ["directory-open", "create-room-open"]) {
      byId(id).addEventListener("click", () => this.close(), { signal });
    }
  }

  render(listing: ChannelListing): void {
    const rooms = [...listing.rooms].sort();
    const invited = listing.invited.filter((name) => !listing.rooms.includes(name)).sort();
    const removed = [...listing.removed].sort();
    this.roomList.replaceChildren(
      ...rooms.map((name) => this.item(listing, { kind: "room", name }, `#${name}`)),
      ...removed.map((name) => this.item(listing, { kind: "room", name }, `#${name}`, "removed")),
      ...invited.map((name) => this.invitation(name)));
    byId("rooms-empty").hidden = rooms.length + invited.length + removed.length > 0;
    const partners = [...listing.partners].sort();
    this.dmList.replaceChildren(...partners.map((userId) => this.item(listing, { kind: "dm", userId }, listing.nameOf(userId))));
    byId("dms-empty").hidden = partners.length > 0;
  }

  /** Whether the last render listed this direct conversation. */
  lists(channel: Channel): boolean {
    return this.dmList.querySelector(`[data-key="${CSS.escape(channelKey(channel))}"]`) !== null;
  }

  /** Leave applies to rooms only. */
  showLeave(visible: boolean): void {
    this.leaveButton.hidden = !visible;
  }

  /** Closes the narrow-screen drawer. */
  close(): void {
    this.sidebar.classList.remove("open");
    this.backdrop.hidden = true;
    this.menuToggle.setAttribute("aria-expanded", "false");
  }

  clear(): void {
    this.close();
    this.backdrop.remove();
    this.roomList.replaceChildren();
    this.dmList.replaceChildren();
  }

  /** A room the user may join but has not: choosing it joins it. */
  private invitation(name: string): HTMLLIElement {
    const button = el("button", {
      className: "channel invited",
      attrs: { type: "button", "data-invited": name, "aria-label": `#${name}, invited: join` },
    }, el("span", { className: "channel-name", text: `#${name}` }), el("span", { className: "kind-badge", text: "join", attrs: { "aria-hidden": "true" } }));
    button.addEventListener("click", () => this.actions.join(name));
    return el("li", {}, button);
  }

  /** A room or conversation to open; `state` ("removed") marks a room the user was removed from. */
  private item(listing: ChannelListing, channel: Channel, label: string, state: string | null = null): HTMLLIElement {
    const key = channelKey(channel);
    const count = listing.unread(key);
    const mentions = listing.mentions(key);
    const mentionText = mentions > 0 ? `, ${mentions} ${mentions === 1 ? "mention" : "mentions"}` : "";
    const name = state !== null ? `${label}, ${state}` : count > 0 ? `${label}, ${count} unread${mentionText}` : `${label}${mentionText}`;
    const button = el("button", {
      className: state !== null ? `channel ${state}` : "channel",
      attrs: { type: "button", "data-key": key, "aria-label": name },
    }, el("span", { className: "channel-name", text: label }));
    if (state !== null) {
      button.append(el("span", { className: "kind-badge", text: state, attrs: { "aria-hidden": "true" } }));
    }
    if (listing.active !== null && channelKey(listing.active) === key) {
      button.setAttribute("aria-current", "page");
    }
    if (mentions > 0) {
      button.append(el("span", { className: "badge mention-badge", text: `@${badgeText(mentions)}`, attrs: { "aria-hidden": "true" } }));
    }
    if (count > 0) {
      button.append(el("span", { className: "badge", text: badgeText(count), attrs: { "aria-hidden": "true" } }));
    }
    button.addEventListener("click", () => this.actions.open(channel));
    return el("li", {}, button);
  }
}

