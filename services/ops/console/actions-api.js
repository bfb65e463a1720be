/* global location */
// Posts a supervisor action to ops: the session cookie rides along, the session's CSRF token goes
// in x-csrf-token (ops refuses a non-GET without it). Any console view that acts reuses this.

let csrfToken;

/** The logged-in person's CSRF token (read once from /auth/session). */
async function csrf() {
  if (csrfToken) return csrfToken;
  const response = await fetch('/auth/session', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error('not logged in to the console');
  csrfToken = (await response.json()).csrfToken;
  return csrfToken;
}

/**
 * POSTs `body` as JSON to `path` (an /api/... action) and resolves ops's answer; throws an Error
 * whose message is the reason ops or the edge gave (status and code on the error).
 */
export async function postAction(path, body = {}) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': await csrf() },
    body: JSON.stringify(body),
  });
  if (response.status === 401) location.assign(`/auth/login?return=${encodeURIComponent(location.pathname + location.hash)}`);
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(answer?.error?.message ?? `${response.status} ${response.statusText}`);
    error.status = response.status;
    error.code = answer?.error?.code;
    throw error;
  }
  return answer;
}
