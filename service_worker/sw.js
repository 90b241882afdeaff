// The service worker: event wiring only. Strategies live in cache.js, the outbox in outbox*.js,
// what a push shows in push.js.
// The server stamps CONFIG (version, app shell, offline pages) when it serves /sw.js.

import {
  cacheFirst, cacheNames, deleteOldCaches, deletePageCaches, installRequest, networkFirstPage, offlineLanguage,
  refreshPages, rememberLanguage,
} from '/sw/cache.js';
import { CACHE_PAGES, CLEAR_USER_DATA, LANGUAGE, SKIP_WAITING } from '/sw/messages.js';
import { notificationFromPush, readPush, windowFor } from '/sw/push.js';
import { SYNC_TAG, syncOutbox } from '/sw/sync.js';

const CONFIG = self.__NEARMISS_CONFIG__;
const CACHES = cacheNames(CONFIG.version);

/** The offline page in the person's language (one is kept per language), else the plain one. */
async function offlinePage(url) {
  const language = await offlineLanguage(url, CACHES.static);
  const path = CONFIG.offlineByLanguage[language] || CONFIG.offline;
  return (await caches.match(path, { cacheName: CACHES.static }))
    || (await caches.match(CONFIG.offline, { cacheName: CACHES.static }))
    || Response.error();
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHES.static);
    await cache.addAll(CONFIG.shell.map((path) => installRequest(path)));
    await cache.add(installRequest(CONFIG.offline, { credentials: 'omit' }));
    await Promise.all([...Object.values(CONFIG.offlineByLanguage), ...CONFIG.manifests]
      .map((path) => cache.add(installRequest(path, { credentials: 'omit' })).catch(() => {})));
    await refreshPages(CONFIG.pages, CACHES.pages);
  })());
  // No skipWaiting here: a page with a half-typed report decides when the new version takes over.
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    await deleteOldCaches([CACHES.static, CACHES.pages]);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const type = event.data?.type;
  if (type === SKIP_WAITING) self.skipWaiting();
  if (type === CLEAR_USER_DATA) event.waitUntil(deletePageCaches());
  if (type === CACHE_PAGES) event.waitUntil(refreshPages(CONFIG.pages, CACHES.pages));
  // Kept with the app shell, not the pages: it holds no one's data and outlives a sign-out.
  if (type === LANGUAGE) event.waitUntil(rememberLanguage(event.data.language, CACHES.static));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Never cache API answers: they hold report data and must always be fresh.
  if (url.pathname.startsWith('/api/')) return;
  if (url.pathname.startsWith('/static/') || url.pathname.startsWith('/sw/')) {
    event.respondWith(cacheFirst(request, CACHES.static));
    return;
  }
  if (url.pathname === CONFIG.manifest) {
    // The manifest in the page's language (`?lang=`), from the network, else the copy kept at install.
    event.respondWith(fetch(request).catch(async () => (await caches.match(request, { cacheName: CACHES.static }))
      || Response.error()));
    return;
  }
  if (request.mode === 'navigate') {
    const fallback = () => offlinePage(url);
    if (CONFIG.pages.includes(url.pathname)) {
      event.respondWith(networkFirstPage(request, CACHES.pages, fallback));
    } else {
      event.respondWith(fetch(request).catch(fallback));
    }
  }
});

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil((async () => {
    const summary = await syncOutbox();
    // Ask the browser to try again later when the network or server failed.
    if (summary.offline || summary.retry) throw new Error('outbox not fully delivered');
  })());
});

self.addEventListener('push', (event) => {
  const { title, options } = notificationFromPush(readPush(event.data));
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = event.notification.data?.url || '/notifications';
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const { client, navigate } = windowFor(windows, path, self.location.origin);
    if (!client) {
      await self.clients.openWindow(path);
      return;
    }
    const focused = await client.focus();
    if (navigate) await (focused || client).navigate(path);
  })());
});
