// Cache names and strategies. Caches are versioned and prefixed; anything else with the prefix is
// an old version and is deleted on activate.

export const PREFIX = 'nearmiss-';
const NETWORK_TIMEOUT_MS = 4000;
// A request of the install (or of keeping the pages) that has had no answer in this time is given up:
// the install fails and the next page registers the worker again. Waiting for ever (a server that
// dropped the request, a signal lost mid-answer) would leave the phone without its offline pages.
const INSTALL_REQUEST_TIMEOUT_MS = 20000;

/** A request for the install, given up after INSTALL_REQUEST_TIMEOUT_MS. */
export function installRequest(path, init = {}) {
  return new Request(path, { ...init, signal: AbortSignal.timeout(INSTALL_REQUEST_TIMEOUT_MS) });
}

export function cacheNames(version) {
  return { static: `${PREFIX}static-${version}`, pages: `${PREFIX}pages-${version}` };
}

export async function deleteOldCaches(keep) {
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith(PREFIX) && !keep.includes(name)).map((name) => caches.delete(name)),
  );
}

/**
 * Pages that hold user data (the report form's regions) go when the user signs out: the page
 * (static/js/signout-guard.js) and the worker both call this.
 */
export async function deletePageCaches() {
  if (!('caches' in globalThis)) return; // a page outside a secure context has no Cache Storage
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(`${PREFIX}pages-`)).map((n) => caches.delete(n)));
}

// The languages a page may be asked in (`?lang=`): each is kept apart, so the report form opens in
// either language with no signal (the form's one-tap switch).
export const LANGUAGES = ['en', 'es'];
const LANGUAGE_KEY = '/language';

/** Where a page is kept: its path, plus `?lang=` when the address asks for one of the languages. */
export function pageKey(url) {
  const lang = url.searchParams.get('lang');
  return LANGUAGES.includes(lang) ? `${url.pathname}?lang=${lang}` : url.pathname;
}

/** The language the pages last said (`<html lang>`), kept in `cacheName` (the app shell's). */
export async function rememberLanguage(language, cacheName) {
  if (!LANGUAGES.includes(language)) return;
  await (await caches.open(cacheName)).put(LANGUAGE_KEY, new Response(language));
}

/** The language to answer in offline: the address's `?lang=`, else the one the pages last said. */
export async function offlineLanguage(url, cacheName) {
  const asked = url.searchParams.get('lang');
  if (LANGUAGES.includes(asked)) return asked;
  const kept = await caches.match(LANGUAGE_KEY, { cacheName });
  const language = kept ? await kept.text() : (globalThis.navigator?.language || '').slice(0, 2);
  return LANGUAGES.includes(language) ? language : LANGUAGES[0];
}

/** Only a real page answer is kept: not an error, not a redirect to the sign-in page. */
export function cacheablePage(response) {
  return response && response.ok && !response.redirected && response.type === 'basic';
}

export async function cacheFirst(request, cacheName) {
  const cached = await caches.match(request, { cacheName });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(cacheName)).put(request, response.clone());
  return response;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('network timeout')), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

/** Fresh page when the network answers in time; the cached copy (or `fallback()`) when not. */
export async function networkFirstPage(request, cacheName, fallback) {
  const url = new URL(request.url);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (cacheablePage(response)) {
      (await caches.open(cacheName)).put(pageKey(url), response.clone());
    }
    return response;
  } catch {
    return (await caches.match(pageKey(url), { cacheName })) || fallback();
  }
}

export async function refreshPages(paths, cacheName) {
  const cache = await caches.open(cacheName);
  await Promise.all(paths.map(async (path) => {
    try {
      const response = await fetch(installRequest(path, { credentials: 'same-origin', cache: 'no-store' }));
      if (cacheablePage(response)) await cache.put(path, response);
    } catch {
      // Offline during install: the page is cached the next time it is visited online.
    }
  }));
}
