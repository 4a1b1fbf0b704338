import type { RoomInfo, RoomMember, RoomRole } from "./contract";
import { byId, el } from "./dom";
import { describeUntil, Durations, untilFor } from "./durations";
import { ActionLabels } from "./moderation";
import { isMuted, mayInvite, mayLeaveForGood, memberActions, moderates, roleOf, type MemberAction } from "./room-roles";

export interface RoomPanelActions {
  /** A member's action button; `until` is the chosen duration's end for ban and mute. */
  act(action: MemberAction, member: RoomMember, until: string | null): void;
  invite(userId: string): void;
  leaveForGood(): void;
  /** UpdateRoom: null clears the topic. */
  setTopic(topic: string | null): void;
}

/**
 * The open room's panel (#room-panel, below who is present): its kind, topic and owner, the members of a
 * created room with their roles and mutes, and what the user's role lets them do (see room-roles.ts).
 * Renders what it is given; the actions decide and call the hub.
 */
export class RoomPanel {
  private readonly panel = byId("room-panel");
  private readonly about = byId("room-about");
  private readonly members = byId("room-members");
  private readonly moderation = byId("room-moderation");
  private readonly duration = byId<HTMLSelectElement>("room-duration");
  private readonly userForm = byId<HTMLFormElement>("room-user-form");
  private readonly userInput = byId<HTMLInputElement>("room-user");
  private readonly inviteButton = byId<HTMLButtonElement>("room-invite");
  private readonly leaveButton = byId<HTMLButtonElement>("room-leave-for-good");
  private readonly topicInput = byId<HTMLInputElement>("room-topic");

  constructor(private readonly me: string, private readonly actions: RoomPanelActions, signal: AbortSignal) {
    this.duration.replaceChildren(...Durations.map((d, index) => el("option", { text: d.label, attrs: { value: String(index) } })));
    const withUser = (run: (userId: string) => void) => () => {
      const userId = this.userInput.value.trim();
      if (userId !== "") {
        this.userInput.value = "";
        run(userId);
      }
    };
    this.inviteButton.addEventListener("click", withUser((id) => actions.invite(id)), { signal });
    this.userForm.addEventListener("submit", (event) => event.preventDefault(), { signal });
    this.leaveButton.addEventListener("click", () => actions.leaveForGood(), { signal });
    byId("room-topic-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const topic = this.topicInput.value.trim();
      actions.setTopic(topic === "" ? null : topic);
    }, { signal });
  }

  /** Null (a direct conversation, or no info yet from a server without rooms) hides the panel. */
  render(info: RoomInfo | null, now = new Date()): void {
    this.panel.hidden = info === null;
    if (info === null) {
      this.members.replaceChildren();
      return;
    }
    const role = roleOf(info, this.me);
    const owner = info.members.find((m) => m.userId === info.ownerId)?.userName ?? info.ownerId;
    this.about.textContent = [`${info.kind} room`, owner ? `owner ${owner}` : "", info.topic ?? ""].filter((p) => p !== "").join(" · ");
    const sorted = [...info.members].sort((a, b) => rank(a) - rank(b) || a.userName.localeCompare(b.userName));
    this.members.replaceChildren(...sorted.map((member) => this.item(member, role, now)));
    this.moderation.hidden = !moderates(role);
    if (document.activeElement !== this.topicInput) {
      this.topicInput.value = info.topic ?? ""; // Not while the user is typing a new one.
    }
    this.inviteButton.hidden = !mayInvite(info.kind, role);
    this.userForm.hidden = this.inviteButton.hidden;
    this.leaveButton.hidden = !mayLeaveForGood(info.kind, role);
  }

  clear(): void {
    this.render(null);
  }

  private item(member: RoomMember, role: RoomRole | null, now: Date): HTMLLIElement {
    const item = el("li", { className: "room-member" },
      el("span", { className: "member-name", text: member.userName, attrs: { title: member.userId } }),
      el("span", { className: `role-badge role-${member.role}`, text: member.role }));
    if (member.userId === this.me) {
      item.append(el("span", { className: "muted small-text", text: "(you)" }));
    }
    if (isMuted(member, now)) {
      item.append(el("span", { className: "muted small-text room-muted", text: `muted ${describeUntil(member.mutedUntil, now)}` }));
    }
    const buttons = memberActions(this.me, role, member, now).map((action) => {
      const button = el("button", {
        className: action === "kick" || action === "ban" ? "small link danger" : "small link",
        text: ActionLabels[action],
        attrs: { type: "button", "aria-label": `${ActionLabels[action]} ${member.userName}` },
      });
      button.addEventListener("click", () => this.actions.act(action, member, this.until()));
      return button;
    });
    if (buttons.length > 0) {
      item.append(el("div", { className: "room-member-actions" }, ...buttons));
    }
    return item;
  }

  /** The end of the chosen duration, from the moment the button is pressed. */
  private until(): string | null {
    return untilFor(Durations[Number(this.duration.value)] ?? Durations[0]!, new Date());
  }
}

const rank = (member: RoomMember): number => (member.role === "owner" ? 0 : member.role === "moderator" ? 1 : 2);
