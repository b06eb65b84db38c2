// The JSON API: every change carries the CSRF token; errors become ApiError.
let csrf = null;

export class ApiError extends Error {
  constructor(status, detail, body) {
    super(detail);
    this.status = status;
    this.body = body;
  }
}

export function setCsrf(token) { csrf = token; }

async function call(method, url, body, form) {
  const headers = {};
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  const type = res.headers.get("content-type") || "";
  if (!res.ok) {
    let data = {};
    try { data = type.includes("json") ? await res.json() : { detail: await res.text() }; }
    catch { data = { detail: res.statusText }; }
    let detail = data.detail;
    if (Array.isArray(detail)) detail = detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
    if (data.problems && data.problems.length) detail += "\n" + data.problems.join("\n");
    throw new ApiError(res.status, detail || res.statusText, data);
  }
  if (type.includes("json")) return res.json();
  return res.blob();
}

export const get = (url) => call("GET", url);
export const post = (url, body) => call("POST", url, body ?? {});
export const del = (url) => call("DELETE", url);
export const upload = (url, form) => call("POST", url, undefined, form);
