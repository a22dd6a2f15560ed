// The JSON API of `casegraph serve` (casegraph/serve/app.py).
// Every error arrives as {"error": {"code", "message"}}. URLs are relative ("api/..."), so the UI works
// wherever it is served: at / for one case, at /c/NAME/ for one of several.
// Where the case has users, the session cookie (HttpOnly) is set by POST api/login; every write then
// carries the session's CSRF token in X-CSRF-Token, which the UI keeps in memory only.

let csrf = null;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GET /api/<path> with query parameters (arrays repeat the key; empty values are left out). */
export function get(path, params = {}) {
  return call("GET", withQuery(path, params));
}

/** POST a JSON body to /api/<path>. */
export function post(path, body) {
  return call("POST", path, body);
}

/** DELETE /api/<path>. */
export function del(path) {
  return call("DELETE", path);
}

/** Whether the case needs a login and who is logged in: {auth, user: {name, role} | null}. */
export async function session() {
  const found = await call("GET", "session");
  csrf = found.csrf;
  return found;
}

/** Log in with a name and password; returns {user, ...} or throws an ApiError (401: wrong password). */
export async function login(name, password) {
  const found = await call("POST", "login", { name, password });
  csrf = found.csrf;
  return found;
}

/** End the session. */
export async function logout() {
  try {
    await call("POST", "logout", {});
  } finally {
    csrf = null;
  }
}

function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of [value].flat()) if (v !== null && v !== undefined && v !== "") query.append(key, v);
  }
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

async function call(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (method !== "GET" && csrf) init.headers["X-CSRF-Token"] = csrf;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`api/${path}`, init);
  } catch (err) {
    throw new ApiError(
      0,
      "network",
      `the casegraph server does not answer (${err.message}); is casegraph serve running?`,
    );
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(response.status, error.code || "http", error.message || `HTTP ${response.status}`);
  }
  return data;
}
