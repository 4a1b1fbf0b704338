// What the buttons of a message list's lines do (the main timeline's and a thread panel's): one listener per list,
// reading the button's data attributes, so that lines carry no listeners of their own.

/** A press on a reaction held this long on a touch screen says who reacted (a mouse shows it on hover). */
const longPressMs = 500;

export interface LineActions {
  edit(messageId: number): void;
  remove(messageId: number): void;
  /** "Reply": quote the message above the composer. */
  reply(messageId: number): void;
  /** "Reply in thread", or the root's thread line: open the thread panel. */
  thread(messageId: number): void;
  /** A reaction button: add the user's, or take it back (`add` false) when it is pressed. */
  react(messageId: number, emoji: string, add: boolean): void;
  /** "Add reaction": the picker, by the button that opened it. */
  pick(messageId: number, anchor: HTMLElement): void;
  /** A reply's quote: show the parent. */
  jump(messageId: number): void;
  /** Something to tell the user in passing (who reacted, after a long press). */
  tell(text: string): void;
}

export function wireLineActions(list: HTMLElement, actions: LineActions, signal: AbortSignal): void {
  let swallowClick = false;
  let press: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (press !== null) {
      clearTimeout(press);
      press = null;
    }
  };
  list.addEventListener("click", (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>("button");
    const messageId = Number(button?.closest<HTMLElement>("li[data-id]")?.dataset.id);
    if (!button || !Number.isInteger(messageId) || !list.contains(button)) {
      return;
    }
    if (swallowClick) {
      swallowClick = false;
      return;
    }
    if (button.dataset.react !== undefined) {
      actions.react(messageId, button.dataset.react, button.getAttribute("aria-pressed") !== "true");
    } else if (button.dataset.quoteOf !== undefined) {
      actions.jump(Number(button.dataset.quoteOf));
    } else {
      const action = button.dataset.action;
      switch (action) {
        case "edit": return actions.edit(messageId);
        case "delete": return actions.remove(messageId);
        case "reply": return actions.reply(messageId);
        case "thread": return actions.thread(messageId);
        case "react": return actions.pick(messageId, button);
      }
    }
  }, { signal });
  list.addEventListener("pointerdown", (event) => {
    swallowClick = false;
    const reaction = (event.target as Element | null)?.closest<HTMLElement>("button[data-react]");
    if (reaction && event.pointerType !== "mouse") {
      cancel();
      press = setTimeout(() => {
        press = null;
        swallowClick = true;
        actions.tell(reaction.title);
      }, longPressMs);
    }
  }, { signal });
  // A finger that starts scrolling ends the press with pointercancel.
  for (const type of ["pointerup", "pointercancel"] as const) {
    list.addEventListener(type, cancel, { signal });
  }
}
