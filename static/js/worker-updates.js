// The service worker (service_worker/sw.js) and its updates: a new version takes over at once, or
// after the half-typed report is saved; the page then reloads into it once.

import { CACHE_PAGES, SKIP_WAITING } from '/sw/messages.js';
import { formIsDirty, userId } from './page.js';

const PAGES_CACHED_KEY = 'nearmiss-pages-cached';

/** Let a waiting worker take over now, or once the report being typed is saved (with a banner). */
function offerUpdate(worker, hadController) {
  if (!hadController && !navigator.serviceWorker.controller) return;
  if (formIsDirty()) {
    const banner = document.getElementById('update-banner');
    if (banner) banner.hidden = false;
    document.addEventListener('report-saved', () => worker.postMessage({ type: SKIP_WAITING }), { once: true });
  } else {
    worker.postMessage({ type: SKIP_WAITING });
  }
}

export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  const registration = await navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' });
  if (registration.waiting) offerUpdate(registration.waiting, hadController);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') offerUpdate(worker, hadController);
    });
  });
  // The first worker's clients.claim() also fires controllerchange: that one is not an update. A page
  // opened before any worker was installed becomes controlled by it, and reloads for later updates.
  let controlled = hadController || Boolean(navigator.serviceWorker.controller);
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!controlled) {
      controlled = true;
      return;
    }
    // Reload once into the new version, and never over a half-typed report.
    if (reloading || formIsDirty()) return;
    reloading = true;
    window.location.reload();
  });
  // Once per signed-in tab session: the worker caches this user's offline pages (pwa OFFLINE_PAGES).
  if (userId !== null && sessionStorage.getItem(PAGES_CACHED_KEY) !== String(userId)) {
    const ready = await navigator.serviceWorker.ready;
    ready.active?.postMessage({ type: CACHE_PAGES });
    sessionStorage.setItem(PAGES_CACHED_KEY, String(userId));
  }
}
