import { byId, el } from "./dom";
import { badgeText, titleText } from "./read-state";

/**
 * The unread total where it shows outside the sidebar: in the tab title, as `(3) HubApp chat`, and as a badge
 * on the phone's menu button (#menu-toggle), which the button names as its description ("3 unread").
 */
export class UnreadSummary {
  private readonly base = document.title.replace(/^\(\d+\+?\) /, "");
  private readonly toggle = byId("menu-toggle");
  private readonly badge = el("span", { className: "menu-badge narrow-only", attrs: { id: "menu-unread", hidden: "" } });

  constructor() {
    this.toggle.after(this.badge);
    this.toggle.setAttribute("aria-describedby", this.badge.id);
  }

  show(total: number): void {
    document.title = titleText(this.base, total);
    this.badge.hidden = total === 0;
    this.badge.replaceChildren(
      el("span", { text: badgeText(total), attrs: { "aria-hidden": "true" } }),
      el("span", { className: "sr-only", text: `${total} unread` }));
  }

  clear(): void {
    document.title = this.base;
    this.badge.remove();
    this.toggle.removeAttribute("aria-describedby");
  }
}
