import { byId } from "./dom";

/**
 * Asks before something that cannot be undone (deleting a message, handing a room over, leaving it for good),
 * in the page's modal #confirm-dialog: resolves true for the confirming button, false for Cancel or Escape.
 */
export function confirmAction(question: string, confirmLabel: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>("confirm-dialog");
  byId("confirm-text").textContent = question;
  byId("confirm-ok").textContent = confirmLabel;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}
