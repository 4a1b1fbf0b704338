import type { Member } from "./contract";
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

  constructor(private readonly me: string, private readonly actions: MembersActions, signal: AbortSignal) {
    if (window.matchMedia(narrowScreen).matches) {
      this.toggle.setAttribute("aria-expanded", "false");
    }
    this.toggle.addEventListener("click", () => {
      const expanded = this.toggle.getAttribute("aria-expanded") !== "true";
      this.toggle.setAttribute("aria-expanded", String(expanded));
      this.panel.hidden = !expanded;
    }, { signal });
  }

  /** Only rooms have members; the panel stays as the user last toggled it. */
  showFor(isRoom: boolean): void {
    this.toggle.hidden = !isRoom;
    this.panel.hidden = !isRoom || this.toggle.getAttribute("aria-expanded") !== "true";
  }

  render(members: Iterable<Member>): void {
    const sorted = [...members].sort((a, b) => a.userName.localeCompare(b.userName));
    this.list.replaceChildren(...sorted.map((member) => this.item(member)));
    this.toggle.textContent = `Members (${sorted.length})`;
    this.toggle.setAttribute("aria-label", `Members: ${sorted.length} online`);
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
