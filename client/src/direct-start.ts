import { byId, el } from "./dom";
import { resolveUser } from "./direct-sync";

/**
 * The sidebar's "Write to" form under the direct messages: a name the page has seen (offered as suggestions)
 * or any user id opens the conversation with that user, who need not be online or ever have signed in.
 */
export class DirectStart {
  private readonly input = el("input", {
    attrs: {
      id: "dm-user", list: "dm-people", autocomplete: "off", autocapitalize: "none", spellcheck: "false",
      placeholder: "name or user id",
    },
  });
  private readonly people = el("datalist", { attrs: { id: "dm-people" } });
  private readonly form = el("form", { className: "join-form dm-form", attrs: { id: "dm-form", novalidate: "" } },
    el("label", { text: "Write to", attrs: { for: "dm-user" } }),
    el("div", { className: "row" }, this.input, el("button", { text: "Write", attrs: { type: "submit" } })),
    this.people);

  constructor(open: (userId: string) => void, known: () => ReadonlyMap<string, string>, me: string, signal: AbortSignal) {
    byId("dms-empty").after(this.form);
    this.input.addEventListener("focus", () => {
      const others = [...known()].filter(([userId]) => userId !== me).sort((a, b) => a[1].localeCompare(b[1]));
      this.people.replaceChildren(...others.map(([userId, userName]) =>
        el("option", { text: userId === userName ? userName : `${userName} (${userId})`, attrs: { value: userName } })));
    }, { signal });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const userId = resolveUser(this.input.value, known());
      if (userId === null) {
        this.input.focus();
        return;
      }
      this.input.value = "";
      open(userId);
    }, { signal });
  }

  clear(): void {
    this.form.remove();
  }
}
