// Outbox policy and schema upgrades, under Node's test runner with an in-memory IndexedDB.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { IDBFactory } from 'fake-indexeddb';

import { addEntry, allEntries, openOutbox } from '../../service_worker/outbox-db.js';
import {
  ATTENTION, BATCH_CHARS, BATCH_REPORTS, SENT, WAITING, backoffDelay, batchesOf, counts, deliver,
  discard, enqueue, lastSyncAt, makeDueNow, pending, pruneSent, resubmit, retryAfterDelay,
} from '../../service_worker/outbox.js';

const USER = 7;

function report(overrides = {}) {
  return {
    client_uuid: randomUUID(), what_happened: 'Rug curled on the stairs', category: 'falls_mobility',
    occurred_at: '2026-11-20T10:00:00.000Z', region_id: 1, still_at_risk: false,
    barrier: 'Saw it', ...overrides,
  };
}

/**
 * A scripted server. `answers`: whole answers, one per POST (a batch or a single report), in order:
 * functions (request body) -> Response | throw. `results`: results inside batch answers, one per
 * report in order: functions (report) -> result. Unscripted, a batch is answered 200 with a 201 result
 * per report, and a single report 201.
 */
function fakeServer({ userId = USER, answers = [], csrf = [], results = [] } = {}) {
  const calls = [];
  let ids = 100;
  const receipt = (report) => ({ id: (ids += 1), client_uuid: report.client_uuid });
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
    if (url.endsWith('/api/v1/reports/batch')) {
      const scripted = (report) => results.shift()?.(report) ?? { status: 201, ...receipt(report) };
      return Response.json({ results: body.reports.map(scripted) });
    }
    return Response.json(receipt(body), { status: 201 });
  };
  const posts = () => calls.filter((c) => /\/api\/v1\/reports(\/batch)?$/.test(c.url));
  const reportsOf = (call) => {
    const body = JSON.parse(call.options.body);
    return call.url.endsWith('/batch') ? body.reports : [body];
  };
  const sent = () => posts().flatMap(reportsOf);
  return {
    fetch,
    calls,
    posts,
    batches: () => posts().filter((c) => c.url.endsWith('/batch')).map(reportsOf),
    singles: () => posts().filter((c) => !c.url.endsWith('/batch')).map(reportsOf),
    sent,
    uuids: () => sent().map((r) => r.client_uuid),
  };
}

/** A batch answer whose results `make(report, index)` builds. */
function batchAnswer(make, init = {}) {
  return (body) => Response.json({ results: body.reports.map(make) }, init);
}

async function queue(db, count, owner = USER) {
  const bodies = [];
  for (let n = 0; n < count; n += 1) {
    const body = report();
    bodies.push(body);
    await enqueue(db, { body, owner });
  }
  return bodies;
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
  'a redirect followed to JSON that even confirms every report': (body) => redirected(
    batchAnswer((r) => ({ status: 201, id: 1, client_uuid: r.client_uuid }))(body)),
  'JSON without results': () => Response.json({ ok: true }, { status: 200 }),
  'results that are not a list': () => Response.json({ results: { 0: {} } }, { status: 200 }),
  'fewer results than reports sent': (body) => Response.json({
    results: body.reports.slice(1).map((r) => ({ status: 201, id: 2, client_uuid: r.client_uuid })) }),
  'the right JSON labelled text/plain': (body) => new Response(
    JSON.stringify({ results: body.reports.map((r) => ({ status: 201, id: 4, client_uuid: r.client_uuid })) }),
    { status: 200, headers: { 'Content-Type': 'text/plain' } }),
  '202 Accepted': (body) => batchAnswer((r) => ({ status: 201, id: 5, client_uuid: r.client_uuid }), { status: 202 })(body),
  '204 No Content': () => new Response(null, { status: 204 }),
  '403 text/html from a network filter': () => new Response('<html>Blocked by the venue</html>', {
    status: 403, headers: { 'Content-Type': 'text/html' } }),
  '407 proxy sign-in page': () => new Response('<html>Proxy sign-in</html>', {
    status: 407, headers: { 'Content-Type': 'text/html' } }),
  '404 through a redirect to JSON': () => redirected(Response.json({ message: 'nope' }, { status: 404 })),
};

for (const [name, answer] of Object.entries(NOT_A_DELIVERY)) {
  test(`not a delivery: ${name} keeps the whole batch waiting and retries it with backoff`, async () => {
    const db = await freshDb();
    await queue(db, BATCH_REPORTS + 1);
    const server = fakeServer({ answers: [answer] });
    const summary = await deliver(db, { fetch: server.fetch, now: () => 1_000 });
    assert.equal(summary.sent, 0);
    assert.equal(summary.attention, 0);
    assert.equal(summary.retry, true);
    assert.equal(server.posts().length, 1, 'stops: the next batch would meet the same page');
    const entries = await allEntries(db);
    for (const entry of entries.slice(0, BATCH_REPORTS)) {
      assert.equal(entry.state, WAITING);
      assert.ok(entry.body, 'the content is kept');
      assert.equal(entry.server_id, null);
      assert.equal(entry.attempts, 1);
      assert.equal(entry.next_attempt_at, 1_000 + backoffDelay(1));
      assert.equal(entry.last_error.retry, true);
    }
    assert.equal(entries[BATCH_REPORTS].attempts, 0, 'the next batch was not tried');
    assert.equal(await lastSyncAt(db), null);
  });
}

const NOT_A_CONFIRMATION = {
  'a result echoing another report\'s client_uuid': () => ({ status: 201, id: 3, client_uuid: randomUUID() }),
  'a result echoing the UUID but no id': (r) => ({ status: 201, client_uuid: r.client_uuid }),
  'a result with status 202': (r) => ({ status: 202, id: 5, client_uuid: r.client_uuid }),
  'a result with status 500': () => ({ status: 500 }),
  'a result that is not an object': () => 'stored',
};

for (const [name, result] of Object.entries(NOT_A_CONFIRMATION)) {
  test(`not a confirmation: ${name} keeps that report for a retry, confirms the others, and stops`, async () => {
    const db = await freshDb();
    await queue(db, BATCH_REPORTS + 2);
    const server = fakeServer({ results: [undefined, result].map((r) => r && ((x) => r(x))) });
    const summary = await deliver(db, { fetch: server.fetch, now: () => 1_000 });
    assert.equal(summary.retry, true);
    assert.equal(summary.sent, BATCH_REPORTS - 1);
    assert.equal(server.posts().length, 1, 'the batch after it waits, so the order is kept');
    const entries = await allEntries(db);
    assert.equal(entries[1].state, WAITING);
    assert.equal(entries[1].attempts, 1);
    assert.ok(entries[1].body);
    assert.deepEqual(entries.map((e) => e.state).filter((s) => s === SENT).length, BATCH_REPORTS - 1);
    assert.equal(entries[BATCH_REPORTS].attempts, 0);
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
  assert.deepEqual(server.uuids(), bodies.map((b) => b.client_uuid));
  const entries = await allEntries(db);
  assert.deepEqual(entries.map((e) => e.state), [SENT, SENT]);
  assert.ok(entries.every((e) => Number.isInteger(e.server_id)), 'every sent report has its server id');
});

test('JSON with a charset that echoes the client_uuid is a delivery (201 and 200)', async () => {
  const db = await freshDb();
  await enqueue(db, { body: report(), owner: USER });
  await enqueue(db, { body: report(), owner: USER });
  const answer = (body) => new Response(JSON.stringify({
    results: body.reports.map((r, i) => ({ status: [201, 200][i], id: 77, client_uuid: r.client_uuid })),
  }), { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
  const summary = await deliver(db, { fetch: fakeServer({ answers: [answer] }).fetch });
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
  assert.deepEqual(onTime.uuids(), bodies.map((b) => b.client_uuid));
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
    results: [() => ({ status: 422, error: 'invalid', message: 'Some fields need attention.',
      errors: { occurred_at: ['This time is in the future; check the date and time.'] } })],
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

test('a proxy\'s 413 in its own words: the batch goes one report at a time, and a report refused alone needs attention', async () => {
  const db = await freshDb();
  const [big, small] = await queue(db, 2);
  const tooLarge = () => new Response('<html>413 Request Entity Too Large</html>', {
    status: 413, headers: { 'Content-Type': 'text/html' } });
  const server = fakeServer({ answers: [tooLarge, tooLarge] });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.attention, 1);
  assert.equal(summary.sent, 1);
  assert.deepEqual(server.batches().map((b) => b.length), [2]);
  assert.deepEqual(server.singles().map(([r]) => r.client_uuid), [big.client_uuid, small.client_uuid]);
  const [entry, other] = await allEntries(db);
  assert.equal(entry.state, ATTENTION);
  assert.equal(entry.last_error.status, 413);
  assert.ok(entry.body, 'the content is kept so it can be fixed');
  assert.equal(other.state, SENT);
});

test('a fixed entry goes back in line and is delivered', async () => {
  const db = await freshDb();
  const seq = await enqueue(db, { body: report({ occurred_at: '2099-01-01T00:00:00Z' }), owner: USER });
  await deliver(db, { fetch: fakeServer({ results: [() => ({ status: 422, errors: {} })] }).fetch });
  const [entry] = await allEntries(db);
  assert.equal(entry.state, ATTENTION);
  await resubmit(db, seq, { ...entry.body, occurred_at: '2026-11-20T10:00:00Z' });
  const server = fakeServer();
  await deliver(db, { fetch: server.fetch });
  assert.equal((await allEntries(db))[0].state, SENT);
  assert.equal(server.sent()[0].occurred_at, '2026-11-20T10:00:00Z');
});

test('409 can be resent under a new client UUID', async () => {
  const db = await freshDb();
  const original = report();
  const seq = await enqueue(db, { body: original, owner: USER });
  await deliver(db, { fetch: fakeServer({ results: [() => ({ status: 409, message: 'conflict' })] }).fetch });
  const [entry] = await allEntries(db);
  assert.equal(entry.state, ATTENTION);
  const newUuid = randomUUID();
  await resubmit(db, seq, entry.body, { newUuid });
  const [updated] = await allEntries(db);
  assert.equal(updated.client_uuid, newUuid);
  assert.equal(updated.body.client_uuid, newUuid);
});

test('5xx keeps the whole batch, backs off, and stops so the order is kept', async () => {
  const db = await freshDb();
  const bodies = await queue(db, BATCH_REPORTS + 1);
  const server = fakeServer({ answers: [() => new Response('boom', { status: 500 })] });
  const summary = await deliver(db, { fetch: server.fetch, now: () => 1_000 });
  assert.equal(summary.retry, true);
  assert.equal(server.posts().length, 1);
  const entries = await allEntries(db);
  assert.ok(entries.slice(0, BATCH_REPORTS).every((e) => e.state === WAITING && e.attempts === 1));
  assert.equal(entries[0].next_attempt_at, 1_000 + backoffDelay(1));
  assert.equal(entries[BATCH_REPORTS].attempts, 0);
  // Not due yet: nothing of the batch is sent before the backoff ends ...
  const early = fakeServer();
  await deliver(db, { fetch: early.fetch, now: () => 2_000 });
  assert.deepEqual(early.uuids(), [bodies[BATCH_REPORTS].client_uuid]);
  // ... and "send now" makes it due at once: the same reports, in the same order, in one batch.
  await makeDueNow(db);
  const later = fakeServer();
  await deliver(db, { fetch: later.fetch, now: () => 3_000 });
  assert.deepEqual(later.batches().map((b) => b.map((r) => r.client_uuid)), [bodies.slice(0, BATCH_REPORTS).map((b) => b.client_uuid)]);
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
  assert.deepEqual(server.uuids(), mine.map((b) => b.client_uuid));
  assert.deepEqual(await counts(db, 99), { waiting: 1, sending: 0, attention: 0, sent: 0 });
});

test('an entry left "sending" by a crash is sent again (the server makes that safe)', async () => {
  const db = await freshDb();
  await addEntry(db, {
    client_uuid: 'c0ffee00-0000-4000-8000-000000000000', owner: USER, body: report({ client_uuid: 'c0ffee00-0000-4000-8000-000000000000' }),
    state: 'sending', attempts: 0, next_attempt_at: 0, created_at: 0, last_error: null,
  });
  const server = fakeServer({ results: [(r) => ({ status: 200, id: 5, client_uuid: r.client_uuid })] });
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
  const [sent] = server.sent();
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

// --- Batches (issue 18, point 3) -------------------------------------------------------------------

test('the queue goes in batches of at most BATCH_REPORTS, oldest first, one request each', async () => {
  const db = await freshDb();
  const bodies = await queue(db, 2 * BATCH_REPORTS + 10);
  const server = fakeServer();
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.sent, bodies.length);
  assert.deepEqual(server.batches().map((b) => b.length), [BATCH_REPORTS, BATCH_REPORTS, 10]);
  assert.equal(server.singles().length, 0);
  assert.deepEqual(server.uuids(), bodies.map((b) => b.client_uuid));
  const entries = await allEntries(db);
  assert.ok(entries.every((e) => e.state === SENT && Number.isInteger(e.server_id) && e.body === null));
  assert.equal(new Set(entries.map((e) => e.server_id)).size, bodies.length, 'each its own report id');
});

test('a batch closes before its JSON passes BATCH_CHARS; a report longer than that goes alone', () => {
  const photo = (chars) => ({ content_type: 'image/jpeg', bytes: new Uint8Array(Math.floor(chars * 0.75)).buffer });
  const entry = (chars) => ({ body: report(), photo: chars ? photo(chars) : null });
  const big = Math.floor(BATCH_CHARS * 0.4);
  const sizes = batchesOf([entry(big), entry(big), entry(0), entry(big), entry(2 * BATCH_CHARS), entry(0)])
    .map((batch) => batch.length);
  assert.deepEqual(sizes, [3, 1, 1, 1]);
  for (const batch of batchesOf([entry(big), entry(big), entry(0), entry(big)])) {
    const chars = batch.reduce((sum, item) => sum + item.json.length + 1, 0);
    assert.ok(chars <= BATCH_CHARS);
  }
});

test('a mixed batch: confirmed reports are sent, each 4xx result needs attention with its own message', async () => {
  const db = await freshDb();
  await queue(db, 5);
  const refusal = (status, message) => () => ({ status, error: 'x', message, errors: { region_id: [message] } });
  const server = fakeServer({
    results: [
      undefined,
      refusal(422, 'Some fields need attention.'),
      refusal(409, 'This client_uuid was already used.'),
      refusal(403, 'You can only report in your own regions.'),
      (r) => ({ status: 200, id: 9, client_uuid: r.client_uuid }),
    ].map((make) => make && ((r) => make(r))),
  });
  const summary = await deliver(db, { fetch: server.fetch, now: () => 4_000 });
  assert.equal(summary.sent, 2);
  assert.equal(summary.attention, 3);
  assert.equal(summary.retry, false);
  const entries = await allEntries(db);
  assert.deepEqual(entries.map((e) => e.state), [SENT, ATTENTION, ATTENTION, ATTENTION, SENT]);
  assert.deepEqual(entries.slice(1, 4).map((e) => e.last_error.status), [422, 409, 403]);
  assert.equal(entries[3].last_error.message, 'You can only report in your own regions.');
  assert.ok(entries.slice(1, 4).every((e) => e.body), 'refused reports keep their content to be fixed');
  assert.equal(entries[4].server_id, 9);
  assert.equal(await lastSyncAt(db), 4_000);
});

test('a 5xx after the server stored part of a batch: the whole batch is resent, and replays confirm it', async () => {
  const db = await freshDb();
  const bodies = await queue(db, 4);
  const stored = new Map();
  const store = (r) => {
    const replay = stored.has(r.client_uuid);
    if (!replay) stored.set(r.client_uuid, stored.size + 1);
    return { status: replay ? 200 : 201, id: stored.get(r.client_uuid), client_uuid: r.client_uuid };
  };
  const halfThenDown = (body) => {
    body.reports.slice(0, 2).forEach(store); // committed before the server went away
    return new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } });
  };
  const first = fakeServer({ answers: [halfThenDown] });
  await deliver(db, { fetch: first.fetch, now: () => 1_000 });
  assert.deepEqual((await allEntries(db)).map((e) => e.state), [WAITING, WAITING, WAITING, WAITING]);
  const second = fakeServer({ answers: [batchAnswer(store)] });
  const summary = await deliver(db, { fetch: second.fetch, now: () => 1_000 + backoffDelay(1) });
  assert.equal(summary.sent, 4);
  assert.deepEqual(second.uuids(), bodies.map((b) => b.client_uuid), 'the same reports, in the same order');
  assert.deepEqual((await allEntries(db)).map((e) => e.server_id), [1, 2, 3, 4]);
  assert.equal(stored.size, 4, 'none stored twice');
});

test('the network failing during a batch keeps the whole batch and stops', async () => {
  const db = await freshDb();
  await queue(db, BATCH_REPORTS + 3);
  const server = fakeServer({ answers: [() => { throw new TypeError('Failed to fetch'); }] });
  const summary = await deliver(db, { fetch: server.fetch, now: () => 1_000 });
  assert.equal(summary.offline, true);
  assert.equal(server.posts().length, 1);
  const entries = await allEntries(db);
  assert.ok(entries.slice(0, BATCH_REPORTS).every((e) => e.state === WAITING && e.attempts === 1 && e.body));
  assert.ok(entries.slice(BATCH_REPORTS).every((e) => e.state === WAITING && e.attempts === 0));
});

test('401 for a batch keeps every report of it, untouched, and asks for sign-in', async () => {
  const db = await freshDb();
  await queue(db, BATCH_REPORTS + 1);
  const server = fakeServer({ answers: [() => Response.json({ error: 'unauthenticated' }, { status: 401 })] });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.needsSignIn, true);
  assert.equal(server.posts().length, 1);
  const entries = await allEntries(db);
  assert.ok(entries.every((e) => e.state === WAITING && e.attempts === 0 && e.body));
});

test('a server without batches (404): the run sends each report alone, and tries no more batches', async () => {
  const db = await freshDb();
  const bodies = await queue(db, BATCH_REPORTS + 2);
  const server = fakeServer({ answers: [() => Response.json({ error: 'not_found', message: 'Not Found' }, { status: 404 })] });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.sent, bodies.length);
  assert.equal(server.batches().length, 1);
  assert.equal(server.singles().length, bodies.length);
  assert.deepEqual(server.uuids().slice(BATCH_REPORTS), bodies.map((b) => b.client_uuid));
  assert.ok((await allEntries(db)).every((e) => e.state === SENT));
});

test('a batch refused whole in the server\'s words (422) goes one report at a time, each to its own verdict', async () => {
  const db = await freshDb();
  await queue(db, 3);
  const server = fakeServer({
    answers: [
      () => Response.json({ error: 'invalid', message: 'Not a batch of reports.', errors: {} }, { status: 422 }),
      undefined,
      undefined,
      () => Response.json({ error: 'invalid', message: 'Some fields need attention.', errors: { barrier: ['Say what caught it.'] } }, { status: 422 }),
    ],
  });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.sent, 2);
  assert.equal(summary.attention, 1);
  assert.deepEqual((await allEntries(db)).map((e) => e.state), [SENT, SENT, ATTENTION]);
  assert.deepEqual((await allEntries(db))[2].last_error.errors, { barrier: ['Say what caught it.'] });
});

test('a 429 for a batch holds every report of it until Retry-After', async () => {
  const db = await freshDb();
  await queue(db, 3);
  await deliver(db, { fetch: fakeServer({ answers: [tooMany('60')] }).fetch, now: () => 1_000 });
  const entries = await allEntries(db);
  assert.ok(entries.every((e) => e.state === WAITING && e.next_attempt_at === 61_000 && e.not_before === 61_000));
});
