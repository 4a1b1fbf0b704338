import type { Member } from "./contract";
import { dismissOnEscapeOrOutsideTap } from "./dismiss";
import { byId, el } from "./dom";

/** Matches the stylesheet's breakpoint: the sidebar becomes a drawer and the member list starts closed. */
const narrowScreen = "(max-width: 760px)";

export interface MembersActions {
  /** "Message" next to someone: open the direct conversation with them. */
  message(userId: string): void;
}

/** The active room's member list (#members) and its Members toggle in the conversation header. */
export class MembersPanel {
  private readonly panel = byId("members");
  private readonly toggle = byId<HTMLButtonElement>("members-toggle");
  private readonly list = byId("member-list");
  private readonly narrow = window.matchMedia(narrowScreen);

  constructor(private readonly me: string, private readonly actions: MembersActions, signal: AbortSignal) {
    if (this.narrow.matches) {
      this.toggle.setAttribute("aria-expanded", "false");
    }
    this.toggle.addEventListener("click", () => this.setOpen(!this.expanded), { signal });
    // At phone width the panel covers the conversation: its Close button, Escape or a tap outside close it.
    byId("members-close").addEventListener("click", () => {
      this.setOpen(false);
      this.toggle.focus();
    }, { signal });
    dismissOnEscapeOrOutsideTap({
      element: this.panel,
      toggle: this.toggle,
      isOpen: () => this.narrow.matches && !this.panel.hidden,
      close: () => this.setOpen(false),
    }, signal);
  }

  private get expanded(): boolean {
    return this.toggle.getAttribute("aria-expanded") === "true";
  }

  private setOpen(open: boolean): void {
    this.toggle.setAttribute("aria-expanded", String(open));
    this.panel.hidden = !open;
  }

  /** Only rooms have members; the panel stays as the user last toggled it. */
  showFor(isRoom: boolean): void {
    this.toggle.hidden = !isRoom;
    this.panel.hidden = !isRoom || !this.expanded;
  }

  render(members: Iterable<Member>): void {
    const sorted = [...members].sort((a, b) => a.userName.localeCompare(b.userName));
    this.list.replaceChildren(...sorted.map((member) => this.item(member)));
    this.toggle.textContent = `Members (${sorted.length})`;
    this.toggle.setAttribute("aria-label", `Members: ${sorted.length} online`);
    this.toggle.dataset.count = String(sorted.length); // The phone's shorter label (styles.css).
  }

  clear(): void {
    this.list.replaceChildren();
  }

  private item(member: Member): HTMLLIElement {
    const item = el("li", { className: "member" },
      el("span", { className: "presence-dot", attrs: { "aria-hidden": "true" } }),
      el("span", { className: "member-name", text: member.userName, attrs: { title: member.userId } }));
    if (member.userId === this.me) {
      item.append(el("span", { className: "muted small-text", text: "(you)" }));
    } else {
      const button = el("button", { className: "small link", text: "Message", attrs: { type: "button", "aria-label": `Message ${member.userName}` } });
      button.addEventListener("click", () => this.actions.message(member.userId));
      item.append(button);
    }
    return item;
  }
}
