// The outbox's queue policy: what is kept, what is sent, and what each server answer means.
//
// Nothing leaves the queue except on the server's confirmation or the user's explicit delete. A
// confirmation is a 201 or 200, not reached through a redirect, whose JSON body echoes the entry's
// client_uuid and carries the report's id: a captive portal or a sign-in page answering 200 text/html
// is not the server, so the entry waits and is retried with backoff like after a 5xx.
// 401 -> keep, ask to sign in. 429 -> keep waiting, no retry before the server's Retry-After.
// Other 4xx -> keep under "needs attention" with the server's message.
// 5xx or no network -> keep, retry with backoff. Entries are sent oldest first, in batches of up to
// BATCH_REPORTS (POST /api/v1/reports/batch), each report answered in the batch's results by the same
// rules: confirmed -> sent, 4xx -> needs attention. A 5xx, no network, a 401 or a 429 for the batch
// request holds the whole batch (the server's replays make resending a half-stored batch safe). A batch
// refused whole with another 4xx - a server without batches (404/405) or a proxy's 413 - is sent one
// report at a time through POST /api/v1/reports, where each report gets its own verdict.
//
// Entries of other kinds wait in the same queue, in the same order, by the same rules: a guide read (the
// person's "I have read this version" of a cue guide, `enqueueGuideRead`) goes alone to
// POST /api/v1/guide-reads, which confirms it as a report is confirmed (its client_uuid echoed, an id).
// An entry without a kind is a report (every entry queued before kinds existed is one).
//
// Entries without an owner were queued by outbox version 1, before entries recorded whose session may
// send them (see outbox-db.js). They are never sent under whoever happens to be signed in: they are
// shown to the signed-in person as "written before an update", who either claims them (they are then
// theirs, and sent under their session) or deletes them explicitly.

import {
  addEntry, allEntries, deleteEntry, getEntry, getMeta, putEntries, putEntry, setMeta,
} from './outbox-db.js';

export const WAITING = 'waiting';
export const SENDING = 'sending';
export const ATTENTION = 'attention';
export const SENT = 'sent';

export const REPORT = 'report';
export const GUIDE_READ = 'guide_read';
// Where an entry that is not a report goes, alone: its endpoint answers as POST /api/v1/reports does.
const ENDPOINTS = { [REPORT]: '/api/v1/reports', [GUIDE_READ]: '/api/v1/guide-reads' };

/** An entry's kind: a report unless it says otherwise. */
export function kindOf(entry) {
  return entry.kind ?? REPORT;
}

const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 15 * 60_000;
// Reports per request: the server's MAX_BATCH_REPORTS (app/reports/submission_batch.py).
export const BATCH_REPORTS = 25;
// Characters of JSON per request, photos included: well under the server's 8 MB body limit.
export const BATCH_CHARS = 3 * 1024 * 1024;
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

/** Milliseconds to wait from `now` that a Retry-After header asks for (seconds or HTTP date); null if unusable. */
export function retryAfterDelay(header, now = Date.now()) {
  const value = (header ?? '').trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/[a-z]/i.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Queue `owner`'s confirmation that they read a version of a cue guide: `body` is
 * { client_uuid, role, language, version, read_at }. Returns its seq.
 */
export async function enqueueGuideRead(db, { body, owner, now = Date.now() }) {
  if (!body || !body.client_uuid) throw new Error('a queued guide read needs a client_uuid');
  return addEntry(db, {
    kind: GUIDE_READ,
    client_uuid: body.client_uuid,
    owner,
    body,
    photo: null,
    summary: { role: body.role, language: body.language, version: body.version },
    state: WAITING,
    attempts: 0,
    next_attempt_at: 0,
    created_at: now,
    last_error: null,
    server_id: null,
  });
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

/**
 * Due entries in batches, oldest first, each with its request JSON: at most BATCH_REPORTS entries and
 * BATCH_CHARS characters of JSON per batch (a report longer than that on its own goes alone).
 */
export function batchesOf(entries) {
  const batches = [];
  let current = [];
  let chars = 0;
  for (const entry of entries) {
    const json = requestBody(entry);
    if (current.length && (current.length === BATCH_REPORTS || chars + json.length > BATCH_CHARS)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push({ entry, json });
    chars += json.length + 1;
  }
  if (current.length) batches.push(current);
  return batches;
}

/**
 * Due entries as the requests that carry them, oldest first: runs of reports in batches (`batchesOf`),
 * every other entry alone, where it stands in the queue. Each item is { batch } or { alone }.
 */
export function sendingOrder(entries) {
  const order = [];
  let reports = [];
  const flushReports = () => {
    for (const batch of batchesOf(reports)) order.push({ batch });
    reports = [];
  };
  for (const entry of entries) {
    if (kindOf(entry) === REPORT) {
      reports.push(entry);
    } else {
      flushReports();
      order.push({ alone: { entry, json: requestBody(entry) } });
    }
  }
  flushReports();
  return order;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function isJson(response) {
  const type = response.headers?.get('content-type') || '';
  return type.split(';')[0].trim().toLowerCase() === 'application/json';
}

/** An answer from the app itself: not reached through a redirect, and JSON. */
function fromTheServer(response) {
  return !response.redirected && isJson(response);
}

/**
 * Not the server's answer (a captive portal, a sign-in page, a network filter's 403 or a proxy's 407
 * in HTML): nothing has arrived. The server refuses in JSON; a 413 is the one refusal a proxy in front
 * of it makes in its own words (the request is too big to ever go as it is).
 */
function notTheServer(response) {
  return response.ok || response.redirected
    || (response.status < 500 && !isJson(response) && response.status !== 413);
}

async function fetchSession(fetchImpl, baseUrl) {
  const response = await fetchImpl(`${baseUrl}/api/v1/csrf`, {
    credentials: 'same-origin', cache: 'no-store',
  });
  // A captive portal's page is not a signed-out session: try again later rather than ask to sign in.
  if (!response.ok || !fromTheServer(response)) return { failed: true };
  const json = await readJson(response);
  if (typeof json?.csrf_token !== 'string') return { failed: true };
  return { token: json.csrf_token, userId: json.user_id ?? null };
}

/** The server's word that it holds this entry's report (a 201 or 200 body echoing its client_uuid with an id). */
function confirms(json, entry) {
  const echoed = typeof json?.client_uuid === 'string'
    && json.client_uuid.toLowerCase() === String(entry.client_uuid).toLowerCase();
  return echoed && json.id !== null && json.id !== undefined;
}

/** The server's confirmation of a single POST, as { id }, or null if it is not one. */
async function confirmation(response, entry) {
  if (![200, 201].includes(response.status) || !fromTheServer(response)) return null;
  const json = await readJson(response);
  return confirms(json, entry) ? { id: json.id } : null;
}

function post(run, path, body) {
  return run.fetch(`${run.baseUrl}${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': run.token },
    body,
  });
}

/** POST with the run's token; a stale one (400 "csrf") is replaced once and the request sent again. */
async function postFresh(run, path, body) {
  const response = await post(run, path, body);
  if (response.status !== 400) return response;
  const json = await readJson(response.clone ? response.clone() : response);
  if (json?.error !== 'csrf') return response;
  // The token aged between fetch and send: get a fresh one and try once more.
  const fresh = await fetchSession(run.fetch, run.baseUrl);
  if (fresh.token) run.token = fresh.token;
  return post(run, path, body);
}

function markSent(entry, id, now) {
  Object.assign(entry, {
    state: SENT, server_id: id, body: null, photo: null, sent_at: now, last_error: null, not_before: 0,
  });
}

function markRetry(entry, now, reason) {
  entry.state = WAITING;
  entry.attempts += 1;
  entry.next_attempt_at = now + backoffDelay(entry.attempts);
  entry.last_error = { retry: true, message: reason };
  entry.not_before = 0;
}

/** 429: the server asked to wait; neither this entry nor the owner's next ones go before then. */
function markWait(entry, now, response) {
  const wait = retryAfterDelay(response.headers?.get('retry-after'), now);
  if (wait === null) {
    markRetry(entry, now, 'The server is busy');
    return;
  }
  entry.state = WAITING;
  entry.attempts += 1;
  entry.next_attempt_at = now + wait;
  entry.not_before = now + wait;
  entry.last_error = { retry: true, status: 429, message: 'The server asked to wait a little', until: now + wait };
}

/** A 4xx refusal of this report (in the server's words when it gave them): kept to fix or delete. */
function markAttention(entry, status, json) {
  entry.state = ATTENTION;
  entry.last_error = {
    status,
    message: json?.message || `The server refused this report (${status}).`,
    errors: json?.errors || {},
  };
}

// What a run does after an answer: go on with the next entries, or stop (order is kept: nothing
// behind an entry that must be retried is sent before it).
const GO_ON = 'go on';
const STOP = 'stop';

/**
 * An answer that settles no report on its own (a failure, a wait, a sign-in): mark `entries` by it.
 * Returns STOP, or null when the answer is a refusal that each report must get on its own.
 */
function settleWhole(run, entries, response) {
  const now = run.now();
  if (response.status === 429) {
    for (const entry of entries) markWait(entry, now, response);
    run.summary.retry = true;
  } else if (notTheServer(response)) {
    const reason = 'The network answered instead of the server, perhaps a Wi-Fi sign-in page';
    for (const entry of entries) markRetry(entry, now, reason);
    run.summary.retry = true;
  } else if (response.status === 401) {
    for (const entry of entries) entry.state = WAITING;
    run.summary.needsSignIn = true;
  } else if (response.status >= 400 && response.status < 500) {
    return null;
  } else {
    for (const entry of entries) markRetry(entry, now, `Server error ${response.status}`);
    run.summary.retry = true;
  }
  return STOP;
}

async function noConnection(run, entries) {
  for (const entry of entries) markRetry(entry, run.now(), 'No connection');
  await putEntries(run.db, entries);
  run.summary.offline = true;
  return STOP;
}

async function confirmed(run, count) {
  if (count === 0) return;
  await setMeta(run.db, 'last_sync_at', run.now());
  run.summary.sent += count;
}

/** One entry through its own endpoint (POST /api/v1/reports for a report). */
async function sendAlone(run, entry, json) {
  entry.state = SENDING;
  await putEntry(run.db, entry);
  let response;
  try {
    response = await postFresh(run, ENDPOINTS[kindOf(entry)], json);
  } catch {
    return noConnection(run, [entry]);
  }
  const receipt = await confirmation(response, entry);
  if (receipt) {
    markSent(entry, receipt.id, run.now());
    await putEntry(run.db, entry);
    await confirmed(run, 1);
    return GO_ON;
  }
  const outcome = settleWhole(run, [entry], response);
  if (outcome === null) {
    markAttention(entry, response.status, await readJson(response));
    run.summary.attention += 1;
  }
  await putEntry(run.db, entry);
  return outcome ?? GO_ON;
}

/** The batch answer's results, one per entry in order, or null if the answer is not one. */
async function batchResults(response, batch) {
  if (response.status !== 200 || !fromTheServer(response)) return null;
  const json = await readJson(response);
  const results = json?.results;
  return Array.isArray(results) && results.length === batch.length ? results : null;
}

/**
 * One batch through POST /api/v1/reports/batch: each result settles its entry (confirmed -> sent,
 * 4xx -> needs attention); a failure of the whole request keeps the whole batch for a retry, and a
 * refusal of the whole batch (an older server without batches, a proxy's 413) sends its entries alone.
 */
async function sendBatch(run, batch) {
  const entries = batch.map((item) => item.entry);
  for (const entry of entries) entry.state = SENDING;
  await putEntries(run.db, entries);
  let response;
  try {
    response = await postFresh(run, '/api/v1/reports/batch', `{"reports":[${batch.map((i) => i.json).join(',')}]}`);
  } catch {
    return noConnection(run, entries);
  }
  const results = await batchResults(response, batch);
  if (results === null) {
    const outcome = settleWhole(run, entries, response);
    if (outcome === null) {
      if ([404, 405].includes(response.status)) run.alone = true;
      return sendEachAlone(run, batch);
    }
    await putEntries(run.db, entries);
    return outcome;
  }
  const now = run.now();
  let sent = 0;
  let outcome = GO_ON;
  results.forEach((result, index) => {
    const entry = entries[index];
    if ([200, 201].includes(result?.status) && confirms(result, entry)) {
      markSent(entry, result.id, now);
      sent += 1;
    } else if (Number.isInteger(result?.status) && result.status >= 400 && result.status < 500) {
      markAttention(entry, result.status, result);
      run.summary.attention += 1;
    } else {
      markRetry(entry, now, 'The server did not confirm this report');
      run.summary.retry = true;
      outcome = STOP;
    }
  });
  await putEntries(run.db, entries);
  await confirmed(run, sent);
  return outcome;
}

async function sendEachAlone(run, batch) {
  for (const { entry, json } of batch) {
    if (await sendAlone(run, entry, json) === STOP) return STOP;
  }
  return GO_ON;
}

/** An entry queued before entries had an owner (outbox version 1), still waiting for someone to claim it. */
export function needsClaim(entry) {
  return entry.owner === null && entry.state !== SENT;
}

/**
 * Send every due entry of the signed-in user, oldest first, in batches.
 * Returns a summary: { sent, attention, retry, needsSignIn, offline, unclaimed }.
 */
export async function deliver(db, { fetch: fetchImpl, now = () => Date.now(), baseUrl = '' }) {
  const summary = {
    sent: 0, attention: 0, retry: false, needsSignIn: false, offline: false,
    unclaimed: (await allEntries(db)).filter(needsClaim).length,
  };
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
  const mine = (await allEntries(db)).filter(
    (e) => (e.state === WAITING || e.state === SENDING) && e.owner === session.userId,
  );
  if (mine.some((e) => (e.not_before || 0) > now())) {
    summary.retry = true;
    return summary;
  }
  const due = mine.filter((e) => e.next_attempt_at <= now());
  const run = {
    db, fetch: fetchImpl, baseUrl, now, summary, token: session.token, alone: false,
  };
  for (const { batch, alone } of sendingOrder(due)) {
    let outcome;
    if (alone) outcome = await sendAlone(run, alone.entry, alone.json);
    else outcome = run.alone ? await sendEachAlone(run, batch) : await sendBatch(run, batch);
    if (outcome === STOP) break;
  }
  return summary;
}

/**
 * What the phone shows the signed-in person: their own entries, and entries from before an update
 * that wait for a claim. A signed-out phone (owner null) shows every entry.
 */
export async function entriesFor(db, owner) {
  return (await allEntries(db)).filter((e) => owner === null || e.owner === owner || needsClaim(e));
}

/**
 * The signed-in person's explicit "send as me" for an entry from before an update: it becomes theirs
 * and goes back in line. Refused for an entry that already has an owner.
 */
export async function claim(db, seq, owner) {
  const entry = await getEntry(db, seq);
  if (!entry || !needsClaim(entry)) throw new Error('this report is not waiting for a claim');
  if (owner === null || owner === undefined) throw new Error('only a signed-in person can claim a report');
  Object.assign(entry, {
    owner, state: WAITING, attempts: 0, next_attempt_at: 0, last_error: null, not_before: 0,
  });
  await putEntry(db, entry);
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

/** Replace a report's content after the user fixed it; it goes back in line. */
export async function resubmit(db, seq, body, { newUuid = null } = {}) {
  const entry = await getEntry(db, seq);
  if (!entry || entry.state === SENT || kindOf(entry) !== REPORT) throw new Error('no such unsent report');
  entry.body = { ...body, client_uuid: newUuid || entry.client_uuid };
  entry.client_uuid = entry.body.client_uuid;
  entry.summary = summaryOf(entry.body);
  Object.assign(entry, {
    state: WAITING, attempts: 0, next_attempt_at: 0, last_error: null, not_before: 0,
  });
  await putEntry(db, entry);
}

/** Make every waiting entry due now (the "send now" button), but never before a 429's Retry-After. */
export async function makeDueNow(db) {
  for (const entry of await allEntries(db)) {
    const earliest = entry.not_before || 0;
    if (entry.state === WAITING && entry.next_attempt_at > earliest) {
      entry.next_attempt_at = earliest;
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
