// fetch() for the desk: same-origin session, CSRF header, JSON in and out, and the API's
// error shape {"code", "message", "extra"} turned into an ApiError.

export class ApiError extends Error {
  constructor(status, code, message, extra) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra || {};
  }
}

let csrf = "";

export function setCsrfToken(token) {
  csrf = token;
}

function firstMessage(body) {
  // DRF validation errors: {"field": ["message"], ...}; ours: {"code", "message", "extra"}.
  if (body && typeof body.message === "string") return body.message;
  if (body && typeof body === "object") {
    for (const value of Object.values(body)) {
      if (Array.isArray(value) && value.length) return String(value[0]);
      if (typeof value === "string") return value;
      if (value && typeof value === "object") {
        const nested = firstMessage(value);
        if (nested) return nested;
      }
    }
  }
  return "";
}

export async function api(url, { method = "GET", body, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrf;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "network", "", {});
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const extra = (data && data.extra) || {};
    if (data && !data.code) extra.fields = data;
    throw new ApiError(response.status, (data && data.code) || "http_" + response.status,
      firstMessage(data) || response.statusText, extra);
  }
  return data;
}

export async function fetchHtml(url, { signal } = {}) {
  const response = await fetch(url, { credentials: "same-origin", signal });
  if (!response.ok) throw new ApiError(response.status, "http_" + response.status, "", {});
  return response.text();
}

export function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => (key in values ? String(values[key]) : ""));
}
