import type { Identity } from "./auth";
import { byId } from "./dom";
import type { ConnectionStatus } from "./connection";

const statusText: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  disconnected: "Disconnected",
};

export interface StatusBarActions {
  reconnect(): void;
  signOut(): void;
}

/** The top bar's connection status with its Reconnect button, and who is signed in with Sign out. */
export class StatusBar {
  private readonly bar = byId("status");
  private readonly text = byId("status-text");
  private readonly reconnect = byId("reconnect");

  constructor(identity: Identity, actions: StatusBarActions, signal: AbortSignal) {
    const me = byId("me");
    me.textContent = identity.userName;
    me.setAttribute("title", `Signed in as ${identity.userName} (${identity.userId})`);
    this.reconnect.addEventListener("click", () => actions.reconnect(), { signal });
    byId("signout").addEventListener("click", () => actions.signOut(), { signal });
  }

  show(status: ConnectionStatus): void {
    this.bar.dataset.state = status;
    this.text.textContent = statusText[status];
    // Before it gives up (disconnected) the session reconnects by itself.
    this.reconnect.hidden = status !== "disconnected";
  }
}
