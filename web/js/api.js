// api.js — the portal's only way to the server: JSON over /api/v1, errors as {code, message}.
// opts.signal aborts a request (a page that is left, or a keystroke that makes the previous one stale).
export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status; this.code = code; this.details = details;
  }
}

export function isAbort(e) { return e && e.name === 'AbortError'; }

export async function api(method, path, body, opts = {}) {
  const req = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin', signal: opts.signal };
  if (body !== undefined) {
    req.headers['Content-Type'] = 'application/json';
    req.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(`/api/v1${path}`, req);
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(0, 'network', e.message);
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const err = (data && data.error) || {};
    // A session that ended (expired, logged out elsewhere, user disabled): the shell sends the user to login.
    if (res.status === 401 && path !== '/session') window.dispatchEvent(new CustomEvent('techup:unauthenticated'));
    throw new ApiError(res.status, err.code || 'internal', err.message || res.statusText, err);
  }
  return data;
}

// A query string from an object, skipping empty values: qs({limit: 50, cursor: null}) === '?limit=50'.
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
