import { el } from "./dom";
import { isMine, whoReacted, type Reactions } from "./reactions";

// The reaction bar under a message line (div.reactions): a button per emoji with its count, pressed when it is
// the user's (a click takes it back), "who reacted" as its title (hover) and as its label's end (screen readers,
// long-press: see line-actions.ts), and "Add reaction", which opens the picker (reaction-picker.ts).

/** Shows a line's reactions in its bar, making the bar when the line has none yet. */
export function showReactions(item: HTMLLIElement, reactions: Reactions, me: string, nameOf: (userId: string) => string): void {
  let bar = item.querySelector<HTMLDivElement>(":scope > .reactions");
  if (bar === null) {
    bar = el("div", { className: "reactions", attrs: { role: "group", "aria-label": "Reactions" } });
    const after = item.querySelector(":scope > .thread-line") ?? item.querySelector(":scope > .message-actions");
    item.insertBefore(bar, after);
  }
  const buttons = reactions.list.map((reaction) => {
    const mine = isMine(reaction, me);
    const who = whoReacted(reaction, nameOf, me);
    return el("button", {
      className: mine ? "reaction mine" : "reaction",
      attrs: { type: "button", "data-react": reaction.emoji, "aria-pressed": String(mine), title: who, "aria-label": `${reaction.emoji} ${reaction.count}: ${who}` },
    }, el("span", { className: "reaction-emoji", text: reaction.emoji }), el("span", { className: "reaction-count", text: String(reaction.count) }));
  });
  bar.replaceChildren(...buttons,
    el("button", { className: "reaction reaction-add", text: "☺+", attrs: { type: "button", "data-action": "react", "aria-label": "Add another reaction", title: "Add reaction" } }));
  bar.classList.toggle("empty", reactions.list.length === 0);
}
