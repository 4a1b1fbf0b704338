import type { Member } from "./contract";
import { el } from "./dom";
import { candidates, complete, mentionAt, type MentionAt } from "./mention-query";

let listboxes = 0;

/**
 * `@` completion on a text box, as the ARIA combobox pattern has it: a listbox of the members that fit what follows
 * the `@` shows above the box, which owns it (`aria-controls`) and points at the active option
 * (`aria-activedescendant`); ↑/↓ move it, Enter or Tab puts `@userId` in, Escape closes it. Keys it uses are taken
 * before the box's own handlers (Enter would send). The box keeps its textbox role: a multi-line message box is
 * a textbox first, and that is how people and tests find it ("Message #room").
 */
export class MentionComplete {
  private readonly listbox: HTMLUListElement;
  private options: Member[] = [];
  private active = 0;
  private at: MentionAt | null = null;

  constructor(private readonly box: HTMLTextAreaElement, private readonly members: () => Member[], private readonly me: string, signal: AbortSignal) {
    const id = `mention-list-${++listboxes}`;
    this.listbox = el("ul", { className: "mention-list", attrs: { id, role: "listbox", "aria-label": "People to mention", hidden: "" } });
    box.after(this.listbox);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", id);
    box.addEventListener("input", () => this.update(), { signal });
    box.addEventListener("click", () => this.update(), { signal });
    box.addEventListener("blur", () => this.close(), { signal });
    // On the form, in the capture phase: before the box's own keydown handlers (Enter sends, ↑ edits).
    box.form?.addEventListener("keydown", (event) => {
      if (event.target !== box || this.listbox.hidden || event.isComposing) {
        return;
      }
      const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 };
      if (event.key in moves) {
        this.select((this.active + moves[event.key]! + this.options.length) % this.options.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        this.choose(this.options[this.active]!);
      } else if (event.key === "Escape") {
        this.close();
      } else {
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
    }, { signal, capture: true });
    this.listbox.addEventListener("pointerdown", (event) => event.preventDefault(), { signal }); // Keeps focus in the box.
    this.listbox.addEventListener("click", (event) => {
      const index = Number((event.target as Element | null)?.closest<HTMLElement>("[data-index]")?.dataset.index);
      if (Number.isInteger(index) && this.options[index]) {
        this.choose(this.options[index]!);
      }
    }, { signal });
  }

  close(): void {
    this.at = null;
    this.options = [];
    this.listbox.hidden = true;
    this.listbox.replaceChildren();
    this.box.removeAttribute("aria-activedescendant");
  }

  private update(): void {
    const caret = this.box.selectionStart ?? this.box.value.length;
    this.at = this.box.selectionStart === this.box.selectionEnd ? mentionAt(this.box.value, caret) : null;
    this.options = this.at === null ? [] : candidates(this.members(), this.at.prefix, this.me);
    if (this.options.length === 0) {
      this.close();
      return;
    }
    this.listbox.replaceChildren(...this.options.map((member, index) =>
      el("li", { className: "mention-option", attrs: { id: `${this.listbox.id}-${index}`, role: "option", "aria-selected": "false", "data-index": String(index) } },
        el("span", { className: "mention-name", text: member.userName }),
        el("span", { className: "mention-id muted", text: `@${member.userId}` }))));
    this.listbox.hidden = false;
    this.select(0);
  }

  private select(index: number): void {
    this.active = index;
    this.listbox.querySelectorAll("[role=option]").forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    this.box.setAttribute("aria-activedescendant", `${this.listbox.id}-${index}`);
  }

  private choose(member: Member): void {
    if (this.at === null) {
      return;
    }
    const done = complete(this.box.value, this.at, member.userId);
    this.box.value = done.text;
    this.box.setSelectionRange(done.caret, done.caret);
    this.close();
    this.box.dispatchEvent(new Event("input", { bubbles: true })); // The counter and the typing notice see the new text.
  }
}
