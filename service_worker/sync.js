// One sender at a time across tabs and the service worker (Web Locks), then tell every page.

import { openOutbox } from './outbox-db.js';
import { deliver, pruneSent } from './outbox.js';

export const LOCK_NAME = 'nearmiss-outbox-sync';
export const CHANNEL_NAME = 'nearmiss-outbox';
// Background Sync's tag: the page registers it, the worker's `sync` event answers it.
export const SYNC_TAG = 'nearmiss-outbox';

function announce(summary) {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(CHANNEL_NAME);
  channel.postMessage({ type: 'outbox-changed', summary });
  channel.close();
}

async function runOnce() {
  const db = await openOutbox();
  try {
    const summary = await deliver(db, { fetch: (...args) => fetch(...args) });
    await pruneSent(db);
    return summary;
  } finally {
    db.close();
  }
}

/** Deliver the outbox unless another tab or the worker already is; returns the summary. */
export async function syncOutbox() {
  const locks = globalThis.navigator?.locks;
  const summary = locks
    ? await locks.request(LOCK_NAME, { ifAvailable: true }, (lock) => (lock ? runOnce() : { busy: true }))
    : await runOnce();
  announce(summary);
  return summary;
}
