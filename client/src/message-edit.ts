import { el } from "./dom";

export interface InlineEdit {
  /** Saves the new text; resolves true once stored (the edit then ends), false when refused (it stays open). */
  save(text: string): Promise<boolean>;
  /** The edit ended, saved or cancelled: focus goes back where typing continues. */
  done(): void;
}

/**
 * Edits a message line in place: its text becomes a text box with the current text; Enter saves (Shift+Enter
 * adds a line), Escape cancels, as does saving the text unchanged. Returns a function that cancels it.
 */
export function editInline(item: HTMLLIElement, text: string, edit: InlineEdit): () => void {
  const paragraph = item.querySelector<HTMLElement>(".message-text")!;
  const box = el("textarea", { className: "message-edit-input", attrs: { "aria-label": "Edit message", "aria-describedby": "edit-hint", rows: "2" } });
  box.value = text;
  const form = el("form", { className: "message-edit" }, box,
    el("p", { className: "hint", text: "Enter saves · Escape cancels", attrs: { id: "edit-hint" } }));
  let saving = false;
  const end = () => {
    form.remove();
    paragraph.hidden = false;
    item.classList.remove("editing");
    edit.done();
  };
  const submit = async () => {
    if (saving) {
      return;
    }
    if (box.value === text) {
      end();
      return;
    }
    saving = true;
    box.readOnly = true;
    const saved = await edit.save(box.value);
    saving = false;
    box.readOnly = false;
    if (saved) {
      end();
    } else {
      box.focus();
    }
  };
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void submit();
    } else if (event.key === "Escape") {
      // Escape ends the edit only; the page's overlays stay as they are.
      event.preventDefault();
      event.stopPropagation();
      end();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void submit();
  });
  paragraph.hidden = true;
  item.classList.add("editing");
  paragraph.after(form);
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
  return () => {
    if (form.isConnected) {
      end();
    }
  };
}
