// What pages ask the service worker (postMessage's `type`): each named once, here; sw.js answers
// them and the page scripts send them, both importing these names (served at /sw/messages.js).

/** Take over now: the page has nothing half-typed, or the report being typed was saved. */
export const SKIP_WAITING = 'SKIP_WAITING';
/** Refresh the cached pages (the user's work, read offline). */
export const CACHE_PAGES = 'CACHE_PAGES';
/** Drop the cached pages on sign-out: they hold the user's data. */
export const CLEAR_USER_DATA = 'CLEAR_USER_DATA';
/** The page's language, so that the worker answers offline in it; sent with `language`. */
export const LANGUAGE = 'LANGUAGE';
