// Web Push: what a push shows and which window a tap opens (the worker), and the key conversion
// the page needs to subscribe (static/js/push-alerts.js). Pure functions: tests/js/push.test.mjs.
// A push carries a title, a few words and a link into this app, nothing else (no health information).

const MAX_TITLE = 120;
const MAX_BODY = 120;
const FALLBACK_TITLE = 'Near misses: something needs you';
export const NOTIFICATIONS_PAGE = '/notifications';

/** A same-site path, or the inbox: a push must never open another site. */
export function safePath(url) {
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//') || /[\\\u0000-\u001f]/.test(url)) {
    return NOTIFICATIONS_PAGE;
  }
  return url;
}

/** The push's JSON, or an empty object for a push without one (the worker still shows something). */
export function readPush(data) {
  if (!data) return {};
  try {
    const value = data.json();
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** What `registration.showNotification(title, options)` takes for a push's payload. */
export function notificationFromPush(payload) {
  const text = (value, max) => (typeof value === 'string' ? value.trim().slice(0, max) : '');
  const title = text(payload.title, MAX_TITLE) || FALLBACK_TITLE;
  const urgent = payload.urgent === true;
  return {
    title,
    options: {
      body: text(payload.body, MAX_BODY),
      tag: text(payload.tag, 80) || undefined,
      // An alert that may mean someone is at risk stays on screen until it is tapped or dismissed.
      requireInteraction: urgent,
      renotify: false,
      icon: '/static/icons/icon-192.png',
      data: { url: safePath(payload.url) },
    },
  };
}

/**
 * The window a tap should use, from `clients.matchAll({ type: 'window' })`: one showing the item
 * already (focus it), else any window of the app (navigate it there), else none (open one).
 */
export function windowFor(windows, path, origin) {
  const target = new URL(path, origin).href;
  const showing = windows.find((w) => w.url === target);
  if (showing) return { client: showing, navigate: false };
  const ours = windows.find((w) => new URL(w.url).origin === origin);
  if (ours) return { client: ours, navigate: true };
  return { client: null, navigate: false };
}

/** The VAPID public key (base64url) as the bytes `pushManager.subscribe` wants. */
export function applicationServerKey(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}
