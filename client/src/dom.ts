// Every piece of user text reaches the page through textContent or an attribute value, never through HTML
// parsing: a message like <img src=x onerror=alert(1)> shows those characters and creates nothing.

type Props = {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
};

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) {
    element.className = props.className;
  }
  if (props.text !== undefined) {
    element.textContent = props.text;
  }
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`The page has no #${id}.`);
  }
  return element as T;
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dateAndTime = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });

/** A `<time>` in the user's locale: the time alone for today, with the date otherwise; the full stamp on hover. */
export function timeElement(iso: string, now = new Date()): HTMLTimeElement {
  const date = new Date(iso);
  const sameDay = date.toDateString() === now.toDateString();
  return el("time", {
    text: (sameDay ? timeOnly : dateAndTime).format(date),
    attrs: { datetime: iso, title: full.format(date) },
  });
}
