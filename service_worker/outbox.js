// The outbox's queue policy: what is kept, what is sent, and what each server answer means.
//
// Nothing leaves the queue except on the server's confirmation (2xx) or the user's explicit delete.
// 401 -> keep, ask to sign in. Other 4xx -> keep under "needs attention" with the server's message.
// 5xx or no network -> keep, retry with backoff. Entries are sent oldest first, one at a time.

import {
  addEntry, allEntries, deleteEntry, getEntry, getMeta, putEntry, setMeta,
} from './outbox-db.js';

export const WAITING = 'waiting';
export const SENDING = 'sending';
export const ATTENTION = 'attention';
export const SENT = 'sent';

const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 15 * 60_000;
// Sent entries keep only their id and summary, so the user can see "sent"; then they go.
export const SENT_KEPT_MS = 24 * 60 * 60_000;

/** Delay before the n-th retry (n >= 1): 5 s doubling up to 15 min. */
export function backoffDelay(attempts) {
  return Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
}

/** A short, PHI-light label for lists: category and time, never the free text. */
function summaryOf(body) {
  return { category: body.category, occurred_at: body.occurred_at, still_at_risk: body.still_at_risk };
}

/** Queue a report for `owner` (the user id whose session may send it). Returns its seq. */
export async function enqueue(db, { body, owner, photo = null, now = Date.now() }) {
  if (!body || !body.client_uuid) throw new Error('a queued report needs a client_uuid');
  return addEntry(db, {
    client_uuid: body.client_uuid,
    owner,
    body,
    photo, // { content_type, bytes: ArrayBuffer } - bytes, not a Blob, so every browser stores it
    summary: summaryOf(body),
    state: WAITING,
    attempts: 0,
    next_attempt_at: 0,
    created_at: now,
    last_error: null,
    server_id: null,
  });
}

function toBase64(bytes) {
  const view = new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) {
    binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function requestBody(entry) {
  const body = { ...entry.body };
  if (entry.photo) {
    body.photo = { content_type: entry.photo.content_type, data: toBase64(entry.photo.bytes) };
  }
  return JSON.stringify(body);
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function fetchSession(fetchImpl, baseUrl) {
  const response = await fetchImpl(`${baseUrl}/api/v1/csrf`, {
    credentials: 'same-origin', cache: 'no-store',
  });
  if (!response.ok) return { failed: true };
  const json = await readJson(response);
  return { token: json?.csrf_token, userId: json?.user_id ?? null };
}

async function postEntry(fetchImpl, baseUrl, entry, token) {
  return fetchImpl(`${baseUrl}/api/v1/reports`, {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
    body: requestBody(entry),
  });
}

async function keepForRetry(db, entry, now, reason) {
  entry.state = WAITING;
  entry.attempts += 1;
  entry.next_attempt_at = now + backoffDelay(entry.attempts);
  entry.last_error = { retry: true, message: reason };
  await putEntry(db, entry);
}

/**
 * Send every due entry of the signed-in user, oldest first.
 * Returns a summary: { sent, attention, retry, needsSignIn, offline }.
 */
export async function deliver(db, { fetch: fetchImpl, now = () => Date.now(), baseUrl = '' }) {
  const summary = { sent: 0, attention: 0, retry: false, needsSignIn: false, offline: false };
  let session;
  try {
    session = await fetchSession(fetchImpl, baseUrl);
  } catch {
    summary.offline = true;
    return summary;
  }
  if (session.failed) {
    summary.retry = true;
    return summary;
  }
  if (session.userId === null) {
    summary.needsSignIn = (await pending(db)).length > 0;
    return summary;
  }
  let token = session.token;
  const due = (await allEntries(db)).filter(
    (e) => (e.state === WAITING || e.state === SENDING) && e.owner === session.userId
      && e.next_attempt_at <= now(),
  );
  for (const entry of due) {
    entry.state = SENDING;
    await putEntry(db, entry);
    let response;
    try {
      response = await postEntry(fetchImpl, baseUrl, entry, token);
      if (response.status === 400) {
        const json = await readJson(response.clone ? response.clone() : response);
        if (json?.error === 'csrf') {
          // The token aged between fetch and send: get a fresh one and try this entry once more.
          const fresh = await fetchSession(fetchImpl, baseUrl);
          if (fresh.token) token = fresh.token;
          response = await postEntry(fetchImpl, baseUrl, entry, token);
        }
      }
    } catch {
      await keepForRetry(db, entry, now(), 'No connection');
      summary.offline = true;
      return summary;
    }
    if (response.ok) {
      const json = await readJson(response);
      Object.assign(entry, {
        state: SENT, server_id: json?.id ?? null, body: null, photo: null, sent_at: now(),
        last_error: null,
      });
      await putEntry(db, entry);
      await setMeta(db, 'last_sync_at', now());
      summary.sent += 1;
    } else if (response.status === 401) {
      entry.state = WAITING;
      await putEntry(db, entry);
      summary.needsSignIn = true;
      return summary;
    } else if (response.status >= 400 && response.status < 500) {
      const json = await readJson(response);
      entry.state = ATTENTION;
      entry.last_error = {
        status: response.status,
        message: json?.message || `The server refused this report (${response.status}).`,
        errors: json?.errors || {},
      };
      await putEntry(db, entry);
      summary.attention += 1;
    } else {
      await keepForRetry(db, entry, now(), `Server error ${response.status}`);
      summary.retry = true;
      return summary;
    }
  }
  return summary;
}

/** Entries not yet confirmed by the server (waiting, sending or needing attention). */
export async function pending(db, owner = undefined) {
  return (await allEntries(db)).filter(
    (e) => e.state !== SENT && (owner === undefined || e.owner === owner),
  );
}

export async function counts(db, owner = undefined) {
  const result = { waiting: 0, sending: 0, attention: 0, sent: 0 };
  for (const entry of await allEntries(db)) {
    if (owner === undefined || entry.owner === owner) result[entry.state] += 1;
  }
  return result;
}

/** Replace an entry's content after the user fixed it; it goes back in line. */
export async function resubmit(db, seq, body, { newUuid = null } = {}) {
  const entry = await getEntry(db, seq);
  if (!entry || entry.state === SENT) throw new Error('no such unsent report');
  entry.body = { ...body, client_uuid: newUuid || entry.client_uuid };
  entry.client_uuid = entry.body.client_uuid;
  entry.summary = summaryOf(entry.body);
  Object.assign(entry, { state: WAITING, attempts: 0, next_attempt_at: 0, last_error: null });
  await putEntry(db, entry);
}

/** Make every waiting entry due now (the "send now" button). */
export async function makeDueNow(db) {
  for (const entry of await allEntries(db)) {
    if (entry.state === WAITING && entry.next_attempt_at > 0) {
      entry.next_attempt_at = 0;
      await putEntry(db, entry);
    }
  }
}

/** The user's explicit delete: the only way an unsent report leaves the outbox. */
export async function discard(db, seq) {
  await deleteEntry(db, seq);
}

/** Forget sent entries after a day; unsent entries are never pruned, however old. */
export async function pruneSent(db, now = Date.now(), keepMs = SENT_KEPT_MS) {
  for (const entry of await allEntries(db)) {
    if (entry.state === SENT && now - (entry.sent_at || 0) > keepMs) await deleteEntry(db, entry.seq);
  }
}

export async function lastSyncAt(db) {
  return (await getMeta(db, 'last_sync_at')) ?? null;
}
