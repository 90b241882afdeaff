// When the page delivers the outbox: now, when the network comes back, when the page is shown
// again, every 30 s, and when the earliest backed-off entry is due. One run at a time in this page;
// Web Locks keep it to one across tabs and the worker (service_worker/sync.js).

import { makeDueNow, WAITING } from '/sw/outbox.js';
import { SYNC_TAG, syncOutbox } from '/sw/sync.js';
import { readOutbox, withOutbox } from './outbox-store.js';
import { userId } from './page.js';

const PERIODIC_SYNC_MS = 30_000;
const BUSY_RETRY_MS = 1500;

let lastSummary = null;
let syncing = null;
let retryTimer = null;
let redraw = async () => {};

/** What to redraw after each run (app.js gives the outbox panel's; this module never imports it). */
export function redrawWith(fn) {
  redraw = fn;
}

/** The last run's summary (service_worker/outbox.js `deliver`), or null before the first. */
export function lastDelivery() {
  return lastSummary;
}

/** Deliver now; a run already under way is joined rather than doubled. */
export async function sync() {
  if (userId === null) {
    await redraw();
    return null;
  }
  if (syncing) return syncing;
  syncing = (async () => {
    try {
      lastSummary = await syncOutbox();
      if (lastSummary?.busy) setTimeout(sync, BUSY_RETRY_MS);
      return lastSummary;
    } finally {
      syncing = null;
      await redraw();
      await scheduleRetry();
    }
  })();
  return syncing;
}

/** Deliver once more after any run under way: that run read the outbox before the latest change. */
export async function syncAfterChange() {
  if (syncing) await syncing;
  await sync();
}

/** Wake up when the earliest backed-off entry is due, rather than waiting for the next tick. */
async function scheduleRetry() {
  const { entries } = await readOutbox(userId);
  const due = entries.filter((e) => e.state === WAITING && e.next_attempt_at > Date.now());
  if (retryTimer || due.length === 0 || userId === null) return;
  const wait = Math.min(...due.map((e) => e.next_attempt_at)) - Date.now() + 250;
  retryTimer = setTimeout(() => { retryTimer = null; if (navigator.onLine) sync(); }, wait);
}

/** Ask the worker to deliver even if this page closes (Background Sync, where the browser has it). */
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync here: the page's own triggers deliver instead.
  }
}

/** The "Send now" button: every waiting entry is due now (never before a 429's Retry-After). */
export async function sendNow() {
  await withOutbox(makeDueNow);
  await sync();
}

/** Deliver when the network comes back, when the page is shown again, and every 30 s while online. */
export function deliverOnTriggers() {
  window.addEventListener('online', () => sync());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') sync();
  });
  setInterval(() => { if (navigator.onLine) sync(); }, PERIODIC_SYNC_MS);
}
