import type { ChatMessage } from "./contract";
import type { Conversation } from "./conversation";
import { byId, el } from "./dom";
import type { Line } from "./line";

export interface Incoming {
  /** A direct message (else a room message). */
  direct: boolean;
  /** The text mentions the user. */
  mention: boolean;
  /** Its conversation is the one open. */
  open: boolean;
  /** The tab is hidden (another tab, minimised, the phone's screen off). */
  hidden: boolean;
}

/** Notify for direct messages and @mentions whose conversation is not in view: not open, or the tab hidden. */
export function shouldNotify(incoming: Incoming): boolean {
  return (incoming.direct || incoming.mention) && (!incoming.open || incoming.hidden);
}

export interface Alert {
  title: string;
  body: string;
  /** One notification per conversation: a newer one replaces it. */
  tag: string;
  /** The notification was clicked: show its conversation. */
  onClick(): void;
}

const storageKey = "hubapp.notifications";

/** Web Push for when no page is open (push-subscribe.ts): subscribed once permission is granted here. */
export interface PushSubscriber {
  subscribe(): Promise<boolean>;
  unsubscribe(): Promise<void>;
}

/**
 * Browser notifications and their toggle in the top bar (#notify-toggle, a pressed/not-pressed button).
 * Permission is asked for only when the user presses it (a user gesture), never on load; the choice to have
 * them on is kept in localStorage. Absent where the browser has no Notification API. The one owner of the permission:
 * turned on, it also subscribes this browser to pushes (`push`), for when no page is open; turned off, unsubscribes.
 */
export class DesktopNotifications {
  private readonly button = el("button", {
    className: "small notify-toggle",
    text: "Notifications",
    attrs: { id: "notify-toggle", type: "button", "aria-pressed": "false", "aria-label": "Notifications", title: "Notify me of direct messages and @mentions" },
  });

  constructor(private readonly explain: (message: string) => void, signal: AbortSignal, private readonly push?: PushSubscriber) {
    if (!("Notification" in window)) {
      return;
    }
    byId("me").before(this.button);
    this.render();
    if (this.enabled) {
      // Turned on before (this user, or another on this browser): the subscription is posted again, as this user's.
      void this.push?.subscribe();
    }
    this.button.addEventListener("click", () => void this.toggle(), { signal });
  }

  get enabled(): boolean {
    return "Notification" in window && Notification.permission === "granted" && localStorage.getItem(storageKey) === "on";
  }

  /** New lines that count (not the user's, not changes): notified if direct or mentioning the user, and not in view. */
  arrived(conversation: Conversation, lines: readonly Line[], open: boolean, activate: () => void): void {
    for (const line of lines) {
      const alert = conversation.alert(line);
      if (shouldNotify({ direct: alert.direct, mention: alert.mention, open, hidden: document.hidden })) {
        this.show({ title: alert.title, body: line.text, tag: conversation.key, onClick: activate });
      }
    }
  }

  /** (v3) `Mentioned` from a room this page has not joined (a joined room's own entry is notified by `arrived`). */
  mentioned(message: ChatMessage, activate: () => void): void {
    this.show({ title: `${message.userName} in #${message.room}`, body: message.text, tag: `r:${message.room}`, onClick: activate });
  }

  show(alert: Alert): void {
    if (!this.enabled) {
      return;
    }
    const notification = new Notification(alert.title, { body: alert.body, tag: alert.tag });
    notification.addEventListener("click", () => {
      window.focus();
      alert.onClick();
      notification.close();
    });
  }

  clear(): void {
    this.button.remove();
  }

  private async toggle(): Promise<void> {
    if (this.enabled) {
      localStorage.setItem(storageKey, "off");
      void this.push?.unsubscribe();
    } else {
      const permission = Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
      if (permission === "granted") {
        localStorage.setItem(storageKey, "on");
        void this.push?.subscribe();
      } else {
        this.explain("Notifications are blocked for this page. Allow them in the browser’s site settings.");
      }
    }
    this.render();
  }

  private render(): void {
    this.button.setAttribute("aria-pressed", String(this.enabled));
  }
}
