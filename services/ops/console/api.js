/* global EventSource, location */
// Talks to the ops HTTP API: JSON mirrors of OpsService, and live routing events over SSE.

/** GETs a JSON endpoint; throws an Error carrying the API's message on a non-2xx answer. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  // The session ended (logout elsewhere, expiry): back through the login, returning here.
  if (response.status === 401) location.assign(`/auth/login?return=${encodeURIComponent(location.pathname + location.hash)}`);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

/**
 * Follows /api/events. EventSource reconnects by itself; `onState` hears 'live' / 'reconnecting'.
 * Returns a function that closes the stream.
 */
export function followEvents(onEvent, onState) {
  const source = new EventSource('/api/events');
  source.onopen = () => onState('live');
  source.onerror = () => onState('reconnecting');
  source.addEventListener('routing', (message) => {
    try { onEvent(JSON.parse(message.data)); } catch { /* a malformed frame is skipped, the next one counts */ }
  });
  return () => source.close();
}

/** Who is logged in (and the CSRF token logout needs), or undefined with a Bearer-only ops. */
export async function session() {
  const response = await fetch('/auth/session', { headers: { accept: 'application/json' } });
  return response.ok ? response.json() : undefined;
}

/** Ends the console session (POST with the session's CSRF token) and goes where ops says. */
export async function logout(csrfToken) {
  const response = await fetch('/auth/logout', { method: 'POST', headers: { accept: 'application/json', 'x-csrf-token': csrfToken } });
  const body = await response.json().catch(() => ({}));
  location.assign(body.location ?? '/auth/logout');
}
