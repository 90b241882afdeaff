// Outbox policy and schema upgrades, under Node's test runner with an in-memory IndexedDB.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { IDBFactory } from 'fake-indexeddb';

import { addEntry, allEntries, openOutbox } from '../../service_worker/outbox-db.js';
import {
  ATTENTION, SENT, WAITING, backoffDelay, counts, deliver, discard, enqueue, lastSyncAt,
  makeDueNow, pending, pruneSent, resubmit, retryAfterDelay,
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

/** An answer as fetch would hand it over after following a redirect (a captive portal, a sign-in page). */
function redirected(response) {
  Object.defineProperty(response, 'redirected', { value: true });
  return response;
}

const captivePortal = () => new Response('<html><body>Sign in to the café Wi-Fi</body></html>', {
  status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' },
});

const NOT_A_DELIVERY = {
  '200 text/html (a captive portal)': captivePortal,
  'a redirect followed to a sign-in page': () => redirected(captivePortal()),
  'a redirect followed to JSON that even echoes the UUID': (body) => redirected(
    Response.json({ id: 1, client_uuid: body.client_uuid }, { status: 200 })),
  'JSON without the client_uuid': () => Response.json({ ok: true }, { status: 200 }),
  'JSON echoing another report\'s client_uuid': () => Response.json({ id: 3, client_uuid: randomUUID() }, { status: 201 }),
  'JSON echoing the UUID but no id': (body) => Response.json({ client_uuid: body.client_uuid }, { status: 201 }),
  'the right JSON labelled text/plain': (body) => new Response(
    JSON.stringify({ id: 4, client_uuid: body.client_uuid }), { status: 201, headers: { 'Content-Type': 'text/plain' } }),
  '202 Accepted': (body) => Response.json({ id: 5, client_uuid: body.client_uuid }, { status: 202 }),
  '204 No Content': () => new Response(null, { status: 204 }),
  '403 text/html from a network filter': () => new Response('<html>Blocked by the venue</html>', {
    status: 403, headers: { 'Content-Type': 'text/html' } }),
  '407 proxy sign-in page': () => new Response('<html>Proxy sign-in</html>', {
    status: 407, headers: { 'Content-Type': 'text/html' } }),
  '404 through a redirect to JSON': () => redirected(Response.json({ message: 'nope' }, { status: 404 })),
};

for (const [name, answer] of Object.entries(NOT_A_DELIVERY)) {
  test(`not a delivery: ${name} keeps the report waiting and retries with backoff`, async () => {
    const db = await freshDb();
    await enqueue(db, { body: report(), owner: USER });
    await enqueue(db, { body: report(), owner: USER });
    const server = fakeServer({ answers: [answer] });
    const summary = await deliver(db, { fetch: server.fetch, now: () => 1_000 });
    assert.equal(summary.sent, 0);
    assert.equal(summary.attention, 0);
    assert.equal(summary.retry, true);
    assert.equal(server.posts().length, 1, 'stops: the next report would meet the same page');
    const [first, second] = await allEntries(db);
    assert.equal(first.state, WAITING);
    assert.ok(first.body, 'the content is kept');
    assert.equal(first.server_id, null);
    assert.equal(first.attempts, 1);
    assert.equal(first.next_attempt_at, 1_000 + backoffDelay(1));
    assert.equal(first.last_error.retry, true);
    assert.equal(second.attempts, 0);
    assert.equal(await lastSyncAt(db), null);
  });
}

test('after a captive portal, the real server\'s answer delivers each report exactly once', async () => {
  const db = await freshDb();
  const bodies = [report(), report()];
  for (const body of bodies) await enqueue(db, { body, owner: USER });
  await deliver(db, { fetch: fakeServer({ answers: [captivePortal] }).fetch, now: () => 1_000 });
  const server = fakeServer();
  const summary = await deliver(db, { fetch: server.fetch, now: () => 1_000 + backoffDelay(1) });
  assert.equal(summary.sent, 2);
  assert.deepEqual(server.posts().map((c) => JSON.parse(c.options.body).client_uuid), bodies.map((b) => b.client_uuid));
  const entries = await allEntries(db);
  assert.deepEqual(entries.map((e) => e.state), [SENT, SENT]);
  assert.ok(entries.every((e) => Number.isInteger(e.server_id)), 'every sent report has its server id');
});

test('JSON with a charset that echoes the client_uuid is a delivery (201 and 200)', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  await enqueue(db, { body: report(), owner: USER });
  const answer = (status) => (body) => new Response(JSON.stringify({ id: 77, client_uuid: body.client_uuid }), {
    status, headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
  const summary = await deliver(db, { fetch: fakeServer({ answers: [answer(201), answer(200)] }).fetch });
  assert.equal(summary.sent, 2);
  assert.deepEqual((await allEntries(db)).map((e) => e.server_id), [77, 77]);
});

test('a captive portal answering the CSRF request is not mistaken for a sign-out', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer({ csrf: [captivePortal] });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.needsSignIn, false);
  assert.equal(summary.retry, true);
  assert.equal(server.posts().length, 0);
  assert.equal((await allEntries(db))[0].state, WAITING);
});

function tooMany(retryAfter) {
  const headers = retryAfter === undefined ? {} : { 'Retry-After': retryAfter };
  return () => Response.json({ error: 'rate_limited', message: 'Too many reports at once.' }, { status: 429, headers });
}

test('429 with Retry-After in seconds: waiting, not needs attention, and nothing is sent before then', async () => {
  const db = await freshDb();
  const bodies = [report(), report()];
  for (const body of bodies) await enqueue(db, { body, owner: USER });
  const server = fakeServer({ answers: [tooMany('120')] });
  const summary = await deliver(db, { fetch: server.fetch, now: () => 10_000 });
  assert.equal(summary.retry, true);
  assert.equal(summary.attention, 0);
  assert.equal(server.posts().length, 1);
  const [first] = await allEntries(db);
  assert.equal(first.state, WAITING);
  assert.equal(first.next_attempt_at, 130_000);
  assert.equal(first.last_error.retry, true);
  assert.equal(first.last_error.status, 429);
  assert.deepEqual(await counts(db, USER), { waiting: 2, sending: 0, attention: 0, sent: 0 });
  // Neither this report nor the next one goes before the server's time, not even on "send now".
  await makeDueNow(db);
  const early = fakeServer();
  await deliver(db, { fetch: early.fetch, now: () => 129_999 });
  assert.equal(early.posts().length, 0);
  const onTime = fakeServer();
  const later = await deliver(db, { fetch: onTime.fetch, now: () => 130_000 });
  assert.equal(later.sent, 2);
  assert.deepEqual(onTime.posts().map((c) => JSON.parse(c.options.body).client_uuid), bodies.map((b) => b.client_uuid));
});

test('429 with Retry-After as an HTTP date waits until that time', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  const now = Date.parse('2026-11-30T05:00:00Z');
  await deliver(db, { fetch: fakeServer({ answers: [tooMany('Mon, 30 Nov 2026 05:02:00 GMT')] }).fetch, now: () => now });
  const [entry] = await allEntries(db);
  assert.equal(entry.state, WAITING);
  assert.equal(entry.next_attempt_at, now + 120_000);
});

test('429 without a usable Retry-After backs off like any transient failure', async () => {
  for (const header of [undefined, 'soon', '-5']) {
    const db = await freshDb();
    await enqueue(db, { body: report(), owner: USER });
    await deliver(db, { fetch: fakeServer({ answers: [tooMany(header)] }).fetch, now: () => 1_000 });
    const [entry] = await allEntries(db);
    assert.equal(entry.state, WAITING, `Retry-After ${header}`);
    assert.equal(entry.next_attempt_at, 1_000 + backoffDelay(1), `Retry-After ${header}`);
  }
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-11-30T05:00:00Z');
  assert.equal(retryAfterDelay('0', now), 0);
  assert.equal(retryAfterDelay(' 30 ', now), 30_000);
  assert.equal(retryAfterDelay('Mon, 30 Nov 2026 05:00:45 GMT', now), 45_000);
  assert.equal(retryAfterDelay('Mon, 30 Nov 2026 04:00:00 GMT', now), 0, 'a time already past: no wait');
  assert.equal(retryAfterDelay(null, now), null);
  assert.equal(retryAfterDelay('1.5', now), null);
  assert.equal(retryAfterDelay('tomorrow', now), null);
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

test('a proxy\'s 413 in its own words is a refusal: needs attention, since the report can never go as it is', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer({
    answers: [() => new Response('<html>413 Request Entity Too Large</html>', {
      status: 413, headers: { 'Content-Type': 'text/html' } })],
  });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.attention, 1);
  const [entry] = await allEntries(db);
  assert.equal(entry.state, ATTENTION);
  assert.equal(entry.last_error.status, 413);
  assert.ok(entry.body, 'the content is kept so it can be fixed');
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
