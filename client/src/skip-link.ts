import { byId } from "./dom";

/**
 * The skip link (#skip-link, the first thing Tab reaches on the signed-in page) moves focus to the message
 * list, from where the next Tab reaches the composer. Done here rather than by following "#messages", so that
 * focus moves in every browser and the address keeps no fragment.
 */
export function installSkipLink(): void {
  byId("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    byId("messages").focus();
  });
}
