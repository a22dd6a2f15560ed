// The JSON API of `casegraph serve` (casegraph/serve/app.py).
// Every error arrives as {"error": {"code", "message"}}.

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
