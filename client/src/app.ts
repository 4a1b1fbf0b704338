import type { Identity } from "./auth";
import type { AppConfig } from "./config";
import type { ChatMessage, DirectMessage } from "./contract";
import { RoomNamePattern } from "./contract";
import { byId, el, timeElement } from "./dom";
import { describeError, type ChatError } from "./errors";
import { ChatSession, type Arrival, type ConnectionStatus, type SessionListener } from "./session";
import type { Placement } from "./timeline";
import { describeTypists } from "./typing";

type Active = { kind: "room"; name: string } | { kind: "dm"; userId: string };

/** One line of the message list, a room message or a direct one. */
interface Line {
  id: number;
  authorId: string;
  authorName: string;
  text: string;
  sentAt: string;
}

const roomLine = (m: ChatMessage): Line => ({ id: m.id, authorId: m.userId, authorName: m.userName, text: m.text, sentAt: m.sentAt });
const directLine = (m: DirectMessage): Line => ({ id: m.id, authorId: m.fromUserId, authorName: m.fromUserName, text: m.text, sentAt: m.sentAt });

const statusText: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  disconnected: "Disconnected",
};

/** Scrolled this close to the bottom, the list follows new messages; this close to the top, it loads older ones. */
const stickToBottomPx = 80;
const loadOlderPx = 60;
const toastMs = 6000;
/** Matches the stylesheet's breakpoint: the sidebar becomes a drawer and the member list starts closed. */
const narrowScreen = "(max-width: 760px)";

/**
 * The signed-in page: rooms and conversations in the sidebar, the active one's messages, its members and the
 * composer. Reacts to the session's events; owns the DOM below #app.
 */
export class ChatApp implements SessionListener {
  readonly session: ChatSession;
  private active: Active | null = null;
  private readonly unread = new Map<string, number>();
  private readonly lineElements = new Map<number, HTMLLIElement>();
  private loadingOlder = false;

  private readonly messages = byId("messages");
  private readonly list = byId<HTMLOListElement>("message-list");
  private readonly input = byId<HTMLTextAreaElement>("message-input");
  private readonly composer = byId<HTMLFormElement>("composer");
  private readonly counter = byId("char-count");
  private readonly membersPanel = byId("members");
  private readonly membersToggle = byId<HTMLButtonElement>("members-toggle");
  private readonly sidebar = byId("sidebar");
  private readonly menuToggle = byId<HTMLButtonElement>("menu-toggle");
  private readonly abort = new AbortController();

  constructor(
    identity: Identity,
    private readonly config: AppConfig,
    private readonly onSignOut: () => void,
    private readonly savedRooms: { load(): string[]; save(rooms: string[], active: string | null): void; active(): string | null },
  ) {
    this.session = new ChatSession(identity, this);
    byId("me").textContent = identity.userName;
    byId("me").setAttribute("title", `Signed in as ${identity.userName} (${identity.userId})`);
    if (window.matchMedia(narrowScreen).matches) {
      this.membersToggle.setAttribute("aria-expanded", "false");
    }
    this.wire();
    this.renderConversation();
    this.updateCounter();
  }

  /** Connects, then rejoins the rooms of the last visit (or #general for a first one). */
  async start(): Promise<void> {
    byId("app").hidden = false;
    await this.connect();
  }

  /** Connects (again); on the first success joins the rooms of the last visit. */
  private async connect(): Promise<void> {
    try {
      await this.session.start();
    } catch {
      return; // The status bar says why and offers to reconnect.
    }
    if (this.session.rooms.size > 0) {
      return; // start() rejoined them.
    }
    const rooms = this.savedRooms.load();
    const active = this.savedRooms.active(); // Read first: joining saves as it goes.
    for (const room of rooms.length > 0 ? rooms : ["general"]) {
      await this.joinRoom(room, false);
    }
    if (active && this.session.rooms.has(active)) {
      this.activate({ kind: "room", name: active });
    }
    this.input.focus();
  }

  async dispose(): Promise<void> {
    this.abort.abort();
    await this.session.stop();
    this.list.replaceChildren();
    byId("room-list").replaceChildren();
    byId("dm-list").replaceChildren();
    byId("member-list").replaceChildren();
    byId("toasts").replaceChildren();
    byId("typing").textContent = "";
    byId("app").hidden = true;
  }

  // ---- SessionListener -------------------------------------------------------------------------------------

  status(status: ConnectionStatus, error?: ChatError): void {
    const bar = byId("status");
    bar.dataset.state = status;
    byId("status-text").textContent = statusText[status];
    byId("reconnect").hidden = status !== "disconnected";
    byId<HTMLButtonElement>("send").disabled = status !== "connected";
    if (error) {
      this.toast(error.message);
    }
  }

  roomsChanged(): void {
    this.renderChannels();
    this.savedRooms.save([...this.session.rooms.keys()], this.active?.kind === "room" ? this.active.name : null);
  }

  roomMessages(room: string, placements: Placement<ChatMessage>[], arrival: Arrival): void {
    if (placements.length === 0) {
      return;
    }
    if (this.active?.kind === "room" && this.active.name === room) {
      this.insertLines(placements.map((p) => ({ line: roomLine(p.item), beforeId: p.beforeId })), arrival);
    } else if (arrival === "new") {
      this.bumpUnread(`r:${room}`, placements.filter((p) => p.item.userId !== this.session.identity.userId).length);
    }
  }

  membersChanged(room: string): void {
    if (this.active?.kind === "room" && this.active.name === room) {
      this.renderMembers();
    }
  }

  typingChanged(room: string): void {
    if (this.active?.kind === "room" && this.active.name === room) {
      byId("typing").textContent = describeTypists(this.session.typing.names(room));
    }
  }

  directMessages(partnerId: string, placements: Placement<DirectMessage>[]): void {
    const known = byId("dm-list").querySelector(`[data-key="${CSS.escape(`d:${partnerId}`)}"]`);
    if (this.active?.kind === "dm" && this.active.userId === partnerId) {
      this.insertLines(placements.map((p) => ({ line: directLine(p.item), beforeId: p.beforeId })), "new");
    } else {
      this.bumpUnread(`d:${partnerId}`, placements.filter((p) => p.item.fromUserId !== this.session.identity.userId).length);
    }
    if (!known) {
      this.renderChannels();
    }
  }

  // ---- Actions ---------------------------------------------------------------------------------------------

  private async joinRoom(name: string, announce = true): Promise<void> {
    const trimmed = name.trim().replace(/^#/, "");
    if (!RoomNamePattern.test(trimmed)) {
      this.toast(describeError(new Error("HubException: invalid_room: bad name")).message);
      return;
    }
    try {
      const room = await this.session.join(trimmed);
      this.activate({ kind: "room", name: room.name });
      if (announce) {
        this.announce(`Joined #${room.name}`);
      }
    } catch (error) {
      this.toast(describeError(error).message);
    }
  }

  private async leaveActiveRoom(): Promise<void> {
    if (this.active?.kind !== "room") {
      return;
    }
    const name = this.active.name;
    try {
      await this.session.leave(name);
    } catch (error) {
      this.toast(describeError(error).message);
    }
    this.unread.delete(`r:${name}`);
    const next = [...this.session.rooms.keys()][0];
    this.activate(next ? { kind: "room", name: next } : null);
    this.announce(`Left #${name}`);
  }

  private async sendComposed(): Promise<void> {
    const text = this.input.value;
    if (text.trim() === "" || !this.active) {
      if (text.trim() === "") {
        this.toast(describeError(new Error("HubException: invalid_message: empty")).message);
      }
      return;
    }
    if (text.length > this.config.maxMessageLength) {
      this.toast(`That message is ${text.length - this.config.maxMessageLength} characters too long.`);
      return;
    }
    const target = this.active;
    this.input.value = "";
    this.updateCounter();
    try {
      if (target.kind === "room") {
        await this.session.send(target.name, text);
      } else {
        await this.session.sendDirect(target.userId, text);
      }
    } catch (error) {
      // Nothing was sent: give the text back unless the user has typed something new meanwhile.
      if (this.input.value === "") {
        this.input.value = text;
        this.updateCounter();
      }
      this.toast(describeError(error).message);
    }
  }

  private async loadOlder(): Promise<void> {
    if (this.active?.kind !== "room" || this.loadingOlder) {
      return;
    }
    const room = this.session.rooms.get(this.active.name);
    if (!room || room.historyExhausted) {
      return;
    }
    this.loadingOlder = true;
    byId<HTMLButtonElement>("load-older").disabled = true;
    try {
      await this.session.loadOlder(room.name);
    } catch (error) {
      this.toast(describeError(error).message);
    } finally {
      this.loadingOlder = false;
      byId<HTMLButtonElement>("load-older").disabled = false;
      this.renderHistoryEdge();
    }
  }

  openConversation(userId: string): void {
    this.session.conversation(userId);
    this.renderChannels();
    this.activate({ kind: "dm", userId });
  }

  // ---- Rendering -------------------------------------------------------------------------------------------

  private activate(target: Active | null): void {
    this.session.composing(null, "");
    this.active = target;
    if (target) {
      this.unread.delete(keyOf(target));
    }
    this.closeSidebar();
    this.renderChannels();
    this.renderConversation();
    this.savedRooms.save([...this.session.rooms.keys()], target?.kind === "room" ? target.name : null);
    this.input.focus();
  }

  private renderChannels(): void {
    const rooms = [...this.session.rooms.keys()].sort();
    byId("room-list").replaceChildren(...rooms.map((name) => this.channelItem({ kind: "room", name }, `#${name}`)));
    byId("rooms-empty").hidden = rooms.length > 0;
    const partners = [...this.session.conversations.keys()].sort();
    byId("dm-list").replaceChildren(...partners.map((userId) => this.channelItem({ kind: "dm", userId }, this.session.nameOf(userId))));
    byId("dms-empty").hidden = partners.length > 0;
  }

  private channelItem(target: Active, label: string): HTMLLIElement {
    const key = keyOf(target);
    const count = this.unread.get(key) ?? 0;
    const current = this.active !== null && keyOf(this.active) === key;
    const button = el("button", {
      className: "channel",
      attrs: { type: "button", "data-key": key, "aria-label": count > 0 ? `${label}, ${count} unread` : label },
    }, el("span", { className: "channel-name", text: label }));
    if (current) {
      button.setAttribute("aria-current", "page");
    }
    if (count > 0) {
      button.append(el("span", { className: "badge", text: count > 99 ? "99+" : String(count), attrs: { "aria-hidden": "true" } }));
    }
    button.addEventListener("click", () => this.activate(target));
    return el("li", {}, button);
  }

  private renderConversation(): void {
    const target = this.active;
    this.list.replaceChildren();
    this.lineElements.clear();
    byId("typing").textContent = "";
    const title = byId("conversation-title");
    const isRoom = target?.kind === "room";
    byId("leave").hidden = !isRoom;
    this.membersToggle.hidden = !isRoom;
    this.membersPanel.hidden = !isRoom || this.membersToggle.getAttribute("aria-expanded") !== "true";
    this.composer.hidden = target === null;
    byId("empty-state").hidden = target !== null;
    if (target === null) {
      title.textContent = "Welcome";
      this.renderHistoryEdge();
      return;
    }
    if (target.kind === "room") {
      const room = this.session.rooms.get(target.name)!;
      title.textContent = `#${room.name}`;
      byId("composer-label").textContent = `Message #${room.name}`;
      this.input.placeholder = `Message #${room.name}`;
      this.insertLines(room.timeline.all.map((m) => ({ line: roomLine(m), beforeId: null })), "history");
      this.renderMembers();
      this.typingChanged(room.name);
    } else {
      const name = this.session.nameOf(target.userId);
      title.textContent = `@${name}`;
      byId("composer-label").textContent = `Message ${name}`;
      this.input.placeholder = `Message ${name}`;
      const conversation = this.session.conversation(target.userId);
      this.insertLines(conversation.timeline.all.map((m) => ({ line: directLine(m), beforeId: null })), "history");
    }
    this.renderHistoryEdge();
    this.scrollToBottom();
  }

  private renderHistoryEdge(): void {
    const button = byId<HTMLButtonElement>("load-older");
    const start = byId("history-start");
    if (this.active?.kind !== "room") {
      button.hidden = true;
      start.hidden = this.active === null;
      start.textContent = this.active ? `Your direct messages with ${this.session.nameOf(this.active.userId)} in this session.` : "";
      return;
    }
    const room = this.session.rooms.get(this.active.name);
    const exhausted = room?.historyExhausted ?? true;
    button.hidden = exhausted;
    start.hidden = !exhausted;
    start.textContent = `This is the beginning of #${this.active.name}.`;
  }

  private renderMembers(): void {
    if (this.active?.kind !== "room") {
      return;
    }
    const room = this.session.rooms.get(this.active.name);
    const members = [...(room?.members.values() ?? [])].sort((a, b) => a.userName.localeCompare(b.userName));
    const me = this.session.identity.userId;
    byId("member-list").replaceChildren(...members.map((member) => {
      const item = el("li", { className: "member" },
        el("span", { className: "presence-dot", attrs: { "aria-hidden": "true" } }),
        el("span", { className: "member-name", text: member.userName, attrs: { title: member.userId } }));
      if (member.userId === me) {
        item.append(el("span", { className: "muted small-text", text: "(you)" }));
      } else {
        const button = el("button", { className: "small link", text: "Message", attrs: { type: "button", "aria-label": `Message ${member.userName}` } });
        button.addEventListener("click", () => this.openConversation(member.userId));
        item.append(button);
      }
      return item;
    }));
    this.membersToggle.textContent = `Members (${members.length})`;
    this.membersToggle.setAttribute("aria-label", `Members: ${members.length} online`);
  }

  private insertLines(lines: { line: Line; beforeId: number | null }[], arrival: Arrival): void {
    const nearBottom = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < stickToBottomPx;
    const heightBefore = this.messages.scrollHeight;
    const prepending = lines.length > 0 && lines[lines.length - 1]!.beforeId !== null && arrival === "history";
    const me = this.session.identity.userId;
    let ownNew = false;
    for (const { line, beforeId } of lines) {
      if (this.lineElements.has(line.id)) {
        continue;
      }
      const item = this.lineElement(line, line.authorId === me);
      const before = beforeId === null ? null : this.lineElements.get(beforeId) ?? null;
      this.list.insertBefore(item, before);
      this.lineElements.set(line.id, item);
      ownNew ||= line.authorId === me && arrival === "new";
      if (arrival === "new" && line.authorId !== me) {
        this.announce(`${line.authorName}: ${line.text}`);
      }
    }
    if (prepending) {
      this.messages.scrollTop += this.messages.scrollHeight - heightBefore;
    } else if (nearBottom || ownNew) {
      this.scrollToBottom();
    }
  }

  private lineElement(line: Line, own: boolean): HTMLLIElement {
    return el("li", { className: own ? "message own" : "message", attrs: { "data-id": String(line.id) } },
      el("div", { className: "message-meta" },
        el("span", { className: "author", text: own ? "You" : line.authorName, attrs: { title: line.authorId } }),
        timeElement(line.sentAt)),
      el("p", { className: "message-text", text: line.text }));
  }

  private updateCounter(): void {
    const length = this.input.value.length;
    const limit = this.config.maxMessageLength;
    this.counter.textContent = `${length.toLocaleString()} / ${limit.toLocaleString()}`;
    this.counter.dataset.level = length > limit ? "over" : length > limit * 0.9 ? "near" : "ok";
    this.input.setAttribute("aria-invalid", String(length > limit));
    // Grow with the text up to a few lines, as chat composers do.
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 200)}px`;
  }

  private bumpUnread(key: string, count: number): void {
    if (count > 0) {
      this.unread.set(key, (this.unread.get(key) ?? 0) + count);
      this.renderChannels();
    }
  }

  private scrollToBottom(): void {
    this.messages.scrollTop = this.messages.scrollHeight;
  }

  private toast(message: string): void {
    const toasts = byId("toasts");
    const item = el("p", { className: "toast", text: message });
    toasts.append(item);
    while (toasts.childElementCount > 3) {
      toasts.firstElementChild!.remove();
    }
    setTimeout(() => item.remove(), toastMs);
  }

  private announce(text: string): void {
    byId("announcer").textContent = text;
  }

  private closeSidebar(): void {
    this.sidebar.classList.remove("open");
    this.menuToggle.setAttribute("aria-expanded", "false");
  }

  // ---- Events ----------------------------------------------------------------------------------------------

  private wire(): void {
    const signal = this.abort.signal;
    byId("join-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = byId<HTMLInputElement>("join-room");
      const name = input.value;
      input.value = "";
      void this.joinRoom(name);
    }, { signal });
    byId("leave").addEventListener("click", () => void this.leaveActiveRoom(), { signal });
    byId("reconnect").addEventListener("click", () => void this.connect(), { signal });
    byId("signout").addEventListener("click", () => this.onSignOut(), { signal });
    byId("load-older").addEventListener("click", () => void this.loadOlder(), { signal });
    this.messages.addEventListener("scroll", () => {
      if (this.messages.scrollTop < loadOlderPx) {
        void this.loadOlder();
      }
    }, { signal, passive: true });
    this.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.sendComposed();
    }, { signal });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.sendComposed();
      }
    }, { signal });
    this.input.addEventListener("input", () => {
      this.updateCounter();
      this.session.composing(this.active?.kind === "room" ? this.active.name : null, this.input.value);
    }, { signal });
    this.membersToggle.addEventListener("click", () => {
      const expanded = this.membersToggle.getAttribute("aria-expanded") !== "true";
      this.membersToggle.setAttribute("aria-expanded", String(expanded));
      this.membersPanel.hidden = !expanded;
    }, { signal });
    this.menuToggle.addEventListener("click", () => {
      const open = !this.sidebar.classList.contains("open");
      this.sidebar.classList.toggle("open", open);
      this.menuToggle.setAttribute("aria-expanded", String(open));
      if (open) {
        byId("join-room").focus();
      }
    }, { signal });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.sidebar.classList.contains("open")) {
        this.closeSidebar();
        this.menuToggle.focus();
      }
    }, { signal });
  }
}

function keyOf(target: Active): string {
  return target.kind === "room" ? `r:${target.name}` : `d:${target.userId}`;
}
