// Outbox policy and schema upgrades, under Node's test runner with an in-memory IndexedDB.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { IDBFactory } from 'fake-indexeddb';

import { DB_VERSION, addEntry, allEntries, openOutbox } from '../../service_worker/outbox-db.js';
import {
  ATTENTION, SENT, WAITING, backoffDelay, counts, deliver, discard, enqueue, lastSyncAt,
  makeDueNow, pending, pruneSent, resubmit,
} from '../../service_worker/outbox.js';

const USER = 7;

function report(overrides = {}) {
  return {
    client_uuid: randomUUID(), what_happened: 'Rug curled on the stairs', category: 'falls_mobility',
    occurred_at: '2026-11-20T10:00:00.000Z', region_id: 1, still_at_risk: false,
    barrier: 'Saw it', ...overrides,
  };
}

/** A scripted server: `answers` is a list of functions (request body) -> Response | throw. */
function fakeServer({ userId = USER, answers = [], csrf = [] } = {}) {
  const calls = [];
  const fetch = async (url, options = {}) => {
    calls.push({ url, options });
    if (url.endsWith('/api/v1/csrf')) {
      const next = csrf.shift();
      if (next) return next();
      return Response.json({ csrf_token: `token-${calls.length}`, user_id: userId });
    }
    const body = JSON.parse(options.body);
    const answer = answers.shift();
    if (answer) return answer(body, options);
    return Response.json({ id: 100 + calls.length, client_uuid: body.client_uuid }, { status: 201 });
  };
  return { fetch, calls, posts: () => calls.filter((c) => c.url.endsWith('/api/v1/reports')) };
}

async function freshDb() {
  return openOutbox(new IDBFactory());
}

test('a 2xx answer marks the entry sent, drops its content and records the sync time', async () => {
  const db = await freshDb();
  const seq = await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer();
  const summary = await deliver(db, { fetch: server.fetch, now: () => 5000 });
  assert.equal(summary.sent, 1);
  const [entry] = await allEntries(db);
  assert.equal(entry.seq, seq);
  assert.equal(entry.state, SENT);
  assert.equal(entry.body, null);
  assert.ok(entry.server_id);
  assert.equal(await lastSyncAt(db), 5000);
  assert.equal((await pending(db)).length, 0);
});

test('each send carries a freshly fetched CSRF token', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer();
  await deliver(db, { fetch: server.fetch });
  assert.ok(server.calls[0].url.endsWith('/api/v1/csrf'));
  assert.equal(server.posts()[0].options.headers['X-CSRFToken'], 'token-1');
});

test('401 keeps every entry and asks for sign-in', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer({ answers: [() => Response.json({ error: 'unauthenticated' }, { status: 401 })] });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.needsSignIn, true);
  assert.deepEqual((await allEntries(db)).map((e) => e.state), [WAITING, WAITING]);
  assert.equal(server.posts().length, 1, 'stops at the first 401');
});

test('a signed-out session (user_id null) sends nothing and asks for sign-in', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer({ userId: null });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.needsSignIn, true);
  assert.equal(server.posts().length, 0);
  assert.equal((await pending(db)).length, 1);
});

test('422 parks the entry under needs attention with the server message, and the queue goes on', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report({ occurred_at: '2099-01-01T00:00:00Z' }), owner: USER });
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer({
    answers: [() => Response.json({ error: 'invalid', message: 'Some fields need attention.',
      errors: { occurred_at: ['This time is in the future; check the date and time.'] } }, { status: 422 })],
  });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.attention, 1);
  assert.equal(summary.sent, 1);
  const [bad, good] = await allEntries(db);
  assert.equal(bad.state, ATTENTION);
  assert.equal(bad.last_error.status, 422);
  assert.match(bad.last_error.errors.occurred_at[0], /future/);
  assert.ok(bad.body, 'the content is kept so it can be fixed');
  assert.equal(good.state, SENT);
});

test('a fixed entry goes back in line and is delivered', async () => {
  const db = await freshDb();
  const seq = await enqueue(db, { body: report({ occurred_at: '2099-01-01T00:00:00Z' }), owner: USER });
  await deliver(db, { fetch: fakeServer({ answers: [() => Response.json({ errors: {} }, { status: 422 })] }).fetch });
  const [entry] = await allEntries(db);
  await resubmit(db, seq, { ...entry.body, occurred_at: '2026-11-20T10:00:00Z' });
  const server = fakeServer();
  await deliver(db, { fetch: server.fetch });
  assert.equal((await allEntries(db))[0].state, SENT);
  assert.equal(JSON.parse(server.posts()[0].options.body).occurred_at, '2026-11-20T10:00:00Z');
});

test('409 can be resent under a new client UUID', async () => {
  const db = await freshDb();
  const original = report();
  const seq = await enqueue(db, { body: original, owner: USER });
  await deliver(db, { fetch: fakeServer({ answers: [() => Response.json({ message: 'conflict' }, { status: 409 })] }).fetch });
  const [entry] = await allEntries(db);
  assert.equal(entry.state, ATTENTION);
  const newUuid = randomUUID();
  await resubmit(db, seq, entry.body, { newUuid });
  const [updated] = await allEntries(db);
  assert.equal(updated.client_uuid, newUuid);
  assert.equal(updated.body.client_uuid, newUuid);
});

test('5xx keeps the entry, backs off, and stops so the order is kept', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer({ answers: [() => new Response('boom', { status: 500 })] });
  const summary = await deliver(db, { fetch: server.fetch, now: () => 1_000 });
  assert.equal(summary.retry, true);
  assert.equal(server.posts().length, 1);
  const [first, second] = await allEntries(db);
  assert.equal(first.state, WAITING);
  assert.equal(first.attempts, 1);
  assert.equal(first.next_attempt_at, 1_000 + backoffDelay(1));
  assert.equal(second.attempts, 0);
  // Not due yet: nothing is sent before the backoff ends ...
  const early = fakeServer();
  await deliver(db, { fetch: early.fetch, now: () => 2_000 });
  assert.deepEqual(early.posts().map((c) => JSON.parse(c.options.body).client_uuid), [second.client_uuid]);
  // ... and "send now" makes it due at once.
  await makeDueNow(db);
  const later = fakeServer();
  await deliver(db, { fetch: later.fetch, now: () => 3_000 });
  assert.equal(later.posts().length, 1);
  assert.equal((await pending(db)).length, 0);
});

test('a network error keeps the entry for retry', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer({ answers: [() => { throw new TypeError('Failed to fetch'); }] });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.offline, true);
  assert.equal((await pending(db)).length, 1);
});

test('no network at all leaves the queue untouched', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  const summary = await deliver(db, { fetch: async () => { throw new TypeError('offline'); } });
  assert.equal(summary.offline, true);
  assert.equal((await allEntries(db))[0].attempts, 0);
});

test('a stale CSRF token is refreshed once and the entry still goes', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer({ answers: [() => Response.json({ error: 'csrf' }, { status: 400 })] });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.sent, 1);
  const tokens = server.posts().map((c) => c.options.headers['X-CSRFToken']);
  assert.equal(tokens.length, 2);
  assert.notEqual(tokens[0], tokens[1]);
});

test('entries are sent oldest first and only under their owner\'s session', async () => {
  const db = await freshDb();
  const mine = [report(), report(), report()];
  await enqueue(db, { body: mine[0], owner: USER });
  await enqueue(db, { body: report(), owner: 99 });
  await enqueue(db, { body: mine[1], owner: USER });
  await enqueue(db, { body: mine[2], owner: USER });
  const server = fakeServer();
  await deliver(db, { fetch: server.fetch });
  assert.deepEqual(server.posts().map((c) => JSON.parse(c.options.body).client_uuid), mine.map((b) => b.client_uuid));
  assert.deepEqual(await counts(db, 99), { waiting: 1, sending: 0, attention: 0, sent: 0 });
});

test('an entry left "sending" by a crash is sent again (the server makes that safe)', async () => {
  const db = await freshDb();
  await addEntry(db, {
    client_uuid: 'c0ffee00-0000-4000-8000-000000000000', owner: USER, body: report({ client_uuid: 'c0ffee00-0000-4000-8000-000000000000' }),
    state: 'sending', attempts: 0, next_attempt_at: 0, created_at: 0, last_error: null,
  });
  const server = fakeServer({ answers: [(body) => Response.json({ id: 5, client_uuid: body.client_uuid }, { status: 200 })] });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.sent, 1);
});

test('photos travel as base64 of the stored bytes', async () => {
  const db = await freshDb();
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x10]).buffer;
  await enqueue(db, { body: report(), owner: USER, photo: { content_type: 'image/jpeg', bytes } });
  const stored = (await allEntries(db))[0];
  assert.ok(stored.photo.bytes instanceof ArrayBuffer, 'bytes, not a Blob');
  const server = fakeServer();
  await deliver(db, { fetch: server.fetch });
  const sent = JSON.parse(server.posts()[0].options.body);
  assert.deepEqual(sent.photo, { content_type: 'image/jpeg', data: Buffer.from(new Uint8Array(bytes)).toString('base64') });
  assert.equal((await allEntries(db))[0].photo, null);
});

test('unsent entries are never pruned, however old; sent ones go after a day', async () => {
  const db = await freshDb();
  const day = 24 * 60 * 60_000;
  await enqueue(db, { body: report(), owner: USER, now: 0 });
  const sentSeq = await enqueue(db, { body: report(), owner: USER, now: 0 });
  await deliver(db, { fetch: fakeServer({ answers: [() => new Response('', { status: 503 })] }).fetch, now: () => 0 });
  const entries = await allEntries(db);
  const sent = entries.find((e) => e.seq === sentSeq);
  Object.assign(sent, { state: SENT, sent_at: 0 });
  const tx = db.transaction('entries', 'readwrite');
  tx.objectStore('entries').put(sent);
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  await pruneSent(db, 30 * day);
  const left = await allEntries(db);
  assert.equal(left.length, 1);
  assert.equal(left[0].state, WAITING);
});

test('only the user\'s explicit delete removes an unsent entry', async () => {
  const db = await freshDb();
  const seq = await enqueue(db, { body: report(), owner: USER });
  await discard(db, seq);
  assert.equal((await allEntries(db)).length, 0);
});

test('upgrading the schema from version 1 keeps queued entries in order', async () => {
  const idb = new IDBFactory();
  const v1 = await openOutbox(idb, 1);
  const bodies = [report(), report(), report()];
  for (const body of bodies) await addEntry(v1, { client_uuid: body.client_uuid, body });
  v1.close();
  const current = await openOutbox(idb);
  assert.equal(current.version, DB_VERSION);
  const entries = await allEntries(current);
  assert.deepEqual(entries.map((e) => e.client_uuid), bodies.map((b) => b.client_uuid));
  assert.ok(entries.every((e) => e.state === WAITING && e.attempts === 0));
  // The upgraded entries are deliverable once their owner is known.
  for (const entry of entries) {
    entry.owner = USER;
    const tx = current.transaction('entries', 'readwrite');
    tx.objectStore('entries').put(entry);
    await new Promise((resolve) => { tx.oncomplete = resolve; });
  }
  const summary = await deliver(current, { fetch: fakeServer().fetch });
  assert.equal(summary.sent, 3);
});

test('reopening at the current version changes nothing', async () => {
  const idb = new IDBFactory();
  const db = await openOutbox(idb);
  await enqueue(db, { body: report(), owner: USER });
  db.close();
  const again = await openOutbox(idb);
  assert.equal((await allEntries(again)).length, 1);
});

test('a queued report needs a client UUID', async () => {
  const db = await freshDb();
  await assert.rejects(enqueue(db, { body: { what_happened: 'x' }, owner: USER }));
});

test('backoff doubles from 5 s and is capped at 15 min', () => {
  assert.equal(backoffDelay(1), 5_000);
  assert.equal(backoffDelay(2), 10_000);
  assert.equal(backoffDelay(3), 20_000);
  assert.equal(backoffDelay(50), 15 * 60_000);
});
