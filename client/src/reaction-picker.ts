import { el } from "./dom";
import { CommonEmoji, validEmoji } from "./reactions";

/**
 * The reaction picker: a small popup of common emoji and a text field for any other (a `:shortcode:` too), by the
 * button that opened it. Escape or a tap outside closes it and focus goes back to that button (Tab out of it
 * closes it too); one at a time.
 */
export class ReactionPicker {
  private readonly input = el("input", { attrs: { type: "text", maxlength: "32", autocomplete: "off", spellcheck: "false", "aria-label": "Other reaction", placeholder: ":shipit:" } });
  private readonly element = el("div", { className: "reaction-picker", attrs: { id: "reaction-picker", role: "dialog", "aria-label": "Add a reaction", hidden: "" } });
  private anchor: HTMLElement | null = null;
  private chosen: ((emoji: string) => void) | null = null;

  constructor(signal: AbortSignal) {
    const grid = el("div", { className: "reaction-choices" }, ...CommonEmoji.map((emoji) =>
      el("button", { className: "reaction-choice", text: emoji, attrs: { type: "button", "data-emoji": emoji, "aria-label": `React with ${emoji}` } })));
    const form = el("form", { className: "row reaction-other", attrs: { novalidate: "" } }, this.input,
      el("button", { className: "small", text: "Add", attrs: { type: "submit" } }));
    this.element.append(grid, form);
    document.body.append(this.element);
    grid.addEventListener("click", (event) => {
      const emoji = (event.target as Element | null)?.closest<HTMLElement>("[data-emoji]")?.dataset.emoji;
      if (emoji) {
        this.pick(emoji);
      }
    }, { signal });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const emoji = this.input.value.trim();
      if (validEmoji(emoji)) {
        this.pick(emoji);
      } else {
        this.input.setCustomValidity("One emoji or :shortcode:, without spaces");
        this.input.reportValidity();
      }
    }, { signal });
    this.input.addEventListener("input", () => this.input.setCustomValidity(""), { signal });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.anchor !== null) {
        event.stopPropagation();
        this.close(true);
      }
    }, { signal, capture: true });
    // Tab out of it closes it too: it is a popup, not a place to stay.
    this.element.addEventListener("focusout", (event) => {
      const next = event.relatedTarget;
      if (this.anchor !== null && next instanceof Node && !this.element.contains(next)) {
        this.close(false);
      }
    }, { signal });
    document.addEventListener("pointerdown", (event) => {
      if (this.anchor !== null && event.target instanceof Node && !this.element.contains(event.target) && !this.anchor.contains(event.target)) {
        this.close(false);
      }
    }, { signal });
  }

  /** Opens by `anchor`; `chosen` gets the emoji picked. */
  open(anchor: HTMLElement, chosen: (emoji: string) => void): void {
    this.anchor = anchor;
    this.chosen = chosen;
    this.input.value = "";
    this.element.hidden = false;
    const box = anchor.getBoundingClientRect();
    const width = this.element.offsetWidth;
    const height = this.element.offsetHeight;
    const left = Math.max(8, Math.min(box.right - width, window.innerWidth - width - 8));
    const top = box.top - height - 6 >= 8 ? box.top - height - 6 : Math.min(box.bottom + 6, window.innerHeight - height - 8);
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
    this.element.querySelector<HTMLButtonElement>(".reaction-choice")!.focus();
  }

  clear(): void {
    this.close(false);
    this.element.remove();
  }

  private pick(emoji: string): void {
    const chosen = this.chosen;
    this.close(true);
    chosen?.(emoji);
  }

  private close(refocus: boolean): void {
    const anchor = this.anchor;
    this.anchor = null;
    this.chosen = null;
    this.element.hidden = true;
    if (refocus && anchor?.isConnected) {
      anchor.focus();
    }
  }
}
