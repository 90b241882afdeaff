// The page's access to the outbox (service_worker/outbox-db.js): open it for one piece of work and
// close it again, so an upgrade from another tab is never blocked by this one.

import { openOutbox } from '/sw/outbox-db.js';
import { GUIDE_READ, SENT, entriesFor, kindOf, lastSyncAt } from '/sw/outbox.js';

/** Run `work(db)` on the open outbox and close it afterwards; returns what `work` returns. */
export async function withOutbox(work) {
  const db = await openOutbox();
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/**
 * What this phone shows `userId`: their own entries and those from before an update that wait for a
 * claim (outbox.js `entriesFor`), with the time of the last delivery.
 */
export function readOutbox(userId) {
  return withOutbox(async (db) => ({ entries: await entriesFor(db, userId), lastSync: await lastSyncAt(db) }));
}

/** Entries the server has not confirmed yet. */
export function unsentOf(entries) {
  return entries.filter((e) => e.state !== SENT);
}

/** How many of `entries` are reports and how many cue guide confirmations (for outbox-words.js). */
export function waitingKinds(entries) {
  const guides = entries.filter((e) => kindOf(e) === GUIDE_READ).length;
  return { reports: entries.length - guides, guides };
}
