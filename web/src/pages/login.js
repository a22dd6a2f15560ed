// The login form, shown in place of any page the server refuses without a user (HTTP 401). Logging in
// sets the session cookie; the page that was asked for then opens.
import { ApiError, login } from "../api.js";
import { h, statusLine } from "../dom.js";

/** The login page: `why` says why it is shown, `done(user)` runs once logged in. */
export function showLogin(why, done) {
  const status = statusLine();
  const name = h("input", { id: "login-name", name: "username", autocomplete: "username", required: true });
  const password = h("input", {
    id: "login-password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = h("button", { type: "submit" }, "Log in");
  const send = async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const found = await login(name.value, password.value);
      done(found.user);
    } catch (err) {
      password.value = "";
      status.report(err instanceof ApiError ? err.message : String(err), true);
      submit.disabled = false;
    }
  };
  const form = h(
    "form",
    { class: "login", onsubmit: send },
    h("label", { for: "login-name" }, "User name"),
    name,
    h("label", { for: "login-password" }, "Password"),
    password,
    submit,
  );
  const node = h(
    "div",
    { class: "page login" },
    h("h1", {}, "Log in"),
    h("p", { class: "why" }, why),
    form,
    status,
  );
  return { node, mount: () => name.focus() };
}
