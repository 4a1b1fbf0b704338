import { byId } from "./dom";

// The sign-in form's errors, each under the field it is about (`<field id>-error`), the field marked
// aria-invalid and described by it, so that a screen reader reads the error with the field.

const fields = ["signin-name", "signin-token"] as const;
export type SignInField = (typeof fields)[number];

/** Shows `message` under `field` (and clears the other field's error). */
export function showFieldError(field: SignInField, message: string): void {
  clearFieldErrors();
  const input = byId(field);
  const error = byId(`${field}-error`);
  error.textContent = message;
  input.setAttribute("aria-invalid", "true");
  const described = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id !== "" && id !== error.id);
  input.setAttribute("aria-describedby", [error.id, ...described].join(" "));
}

export function clearFieldErrors(): void {
  for (const field of fields) {
    const input = byId(field);
    const error = byId(`${field}-error`);
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    const described = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id !== "" && id !== error.id);
    if (described.length > 0) {
      input.setAttribute("aria-describedby", described.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  }
}

/** Typing in a field takes its error away. */
export function clearOnInput(): void {
  for (const field of fields) {
    byId(field).addEventListener("input", () => {
      if (byId(field).getAttribute("aria-invalid") === "true") {
        clearFieldErrors();
      }
    });
  }
}
