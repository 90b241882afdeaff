// Guide reads in the outbox (issue 20 point 3): a person's "I have read this version" of a cue guide
// waits in the same queue as reports, in order, and is sent alone to POST /api/v1/guide-reads by the
// same rules (confirmed -> sent, 4xx -> needs attention, 5xx or no network -> retry, 401 -> keep).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { IDBFactory } from 'fake-indexeddb';

import { allEntries, openOutbox } from '../../service_worker/outbox-db.js';
import {
  ATTENTION, GUIDE_READ, REPORT, SENT, WAITING, batchesOf, deliver, enqueue, enqueueGuideRead, kindOf,
  resubmit, sendingOrder,
} from '../../service_worker/outbox.js';

const USER = 7;
const GUIDE_READS = '/api/v1/guide-reads';

function report() {
  return {
    client_uuid: randomUUID(), what_happened: 'Rug curled on the stairs', category: 'falls_mobility',
    occurred_at: '2026-11-20T10:00:00.000Z', region_id: 1, still_at_risk: false, barrier: 'Saw it',
  };
}

function guideRead(overrides = {}) {
  return {
    client_uuid: randomUUID(), role: 'dsp', language: 'en', version: 2,
    read_at: '2026-11-20T09:00:00.000Z', ...overrides,
  };
}

/** A server that confirms everything, unless `answers[path]` scripts the next answers to that path. */
function fakeServer({ answers = {} } = {}) {
  const calls = [];
  let ids = 100;
  const fetch = async (url, options = {}) => {
    const path = new URL(url, 'http://phone.test').pathname;
    calls.push({ path, body: options.body ? JSON.parse(options.body) : null });
    if (path === '/api/v1/csrf') return Response.json({ csrf_token: 'token', user_id: USER });
    const body = JSON.parse(options.body);
    const scripted = answers[path]?.shift();
    if (scripted) return scripted(body);
    if (path === '/api/v1/reports/batch') {
      return Response.json({ results: body.reports.map((r) => ({ status: 201, id: (ids += 1), client_uuid: r.client_uuid })) });
    }
    return Response.json({ id: (ids += 1), client_uuid: body.client_uuid }, { status: 201 });
  };
  return { fetch, posts: () => calls.filter((c) => c.path !== '/api/v1/csrf') };
}

async function freshDb() {
  return openOutbox(new IDBFactory());
}

const refused = (status) => (body) => Response.json(
  { error: 'invalid', message: 'Some fields need attention.', errors: { version: ['This guide has no such version.'] }, client_uuid: body.client_uuid },
  { status },
);

test('a guide read is queued as its own kind; a report without a kind is a report', async () => {
  const db = await freshDb();
  const body = guideRead();
  await enqueueGuideRead(db, { body, owner: USER, now: 1000 });
  await enqueue(db, { body: report(), owner: USER });
  const [read, queued] = await allEntries(db);
  assert.equal(kindOf(read), GUIDE_READ);
  assert.deepEqual(read.summary, { role: 'dsp', language: 'en', version: 2 });
  assert.equal(read.state, WAITING);
  assert.equal(kindOf(queued), REPORT);
  assert.equal(kindOf({ client_uuid: 'x' }), REPORT);
  await assert.rejects(enqueueGuideRead(db, { body: { role: 'dsp' }, owner: USER }));
});

test('a guide read goes alone to its endpoint and the echo of its client_uuid marks it sent', async () => {
  const db = await freshDb();
  const body = guideRead();
  await enqueueGuideRead(db, { body, owner: USER });
  const server = fakeServer();
  const summary = await deliver(db, { fetch: server.fetch, now: () => 5000 });
  assert.equal(summary.sent, 1);
  assert.deepEqual(server.posts().map((c) => c.path), [GUIDE_READS]);
  assert.deepEqual(server.posts()[0].body, body);
  const [entry] = await allEntries(db);
  assert.equal(entry.state, SENT);
  assert.equal(entry.body, null);
  assert.ok(entry.server_id);
});

test('reports and guide reads keep their order: reports around a guide read go in separate batches', async () => {
  const db = await freshDb();
  const first = report();
  const read = guideRead();
  const last = report();
  await enqueue(db, { body: first, owner: USER });
  await enqueueGuideRead(db, { body: read, owner: USER });
  await enqueue(db, { body: last, owner: USER });
  const server = fakeServer();
  await deliver(db, { fetch: server.fetch });
  assert.deepEqual(server.posts().map((c) => c.path), ['/api/v1/reports/batch', GUIDE_READS, '/api/v1/reports/batch']);
  assert.deepEqual(server.posts()[0].body.reports.map((r) => r.client_uuid), [first.client_uuid]);
  assert.deepEqual(server.posts()[2].body.reports.map((r) => r.client_uuid), [last.client_uuid]);
  assert.ok((await allEntries(db)).every((e) => e.state === SENT));
});

test('with reports only, the sending order is the batches it always was', async () => {
  const entries = Array.from({ length: 30 }, (_, n) => ({ seq: n, client_uuid: `u${n}`, body: report() }));
  const batches = sendingOrder(entries).map((item) => item.batch.map((i) => i.entry.seq));
  assert.deepEqual(batches, batchesOf(entries).map((batch) => batch.map((i) => i.entry.seq)));
});

test('a refused guide read needs attention with the server words and the queue goes on', async () => {
  const db = await freshDb();
  await enqueueGuideRead(db, { body: guideRead({ version: 9 }), owner: USER });
  await enqueue(db, { body: report(), owner: USER });
  const server = fakeServer({ answers: { [GUIDE_READS]: [refused(422)] } });
  const summary = await deliver(db, { fetch: server.fetch });
  assert.equal(summary.attention, 1);
  const [read, queued] = await allEntries(db);
  assert.equal(read.state, ATTENTION);
  assert.deepEqual(read.last_error.errors, { version: ['This guide has no such version.'] });
  assert.equal(queued.state, SENT);
});

test('a server error or no network keeps the guide read and everything behind it for a retry', async () => {
  for (const failure of [() => Response.json({ error: 'oops' }, { status: 503 }), () => { throw new TypeError('offline'); }]) {
    const db = await freshDb();
    await enqueueGuideRead(db, { body: guideRead(), owner: USER });
    await enqueue(db, { body: report(), owner: USER });
    const server = fakeServer({ answers: { [GUIDE_READS]: [failure] } });
    await deliver(db, { fetch: server.fetch, now: () => 1000 });
    const [read, queued] = await allEntries(db);
    assert.equal(read.state, WAITING);
    assert.ok(read.next_attempt_at > 1000);
    assert.equal(queued.state, WAITING);
    assert.deepEqual(server.posts().map((c) => c.path), [GUIDE_READS]);
  }
});

test('a sign-in page or a 401 is not a confirmation: the guide read waits', async () => {
  const portal = () => new Response('<html>Wi-Fi sign-in</html>', { status: 200, headers: { 'Content-Type': 'text/html' } });
  const signedOut = () => Response.json({ error: 'unauthenticated', message: 'Sign in to continue.' }, { status: 401 });
  for (const [answer, expect] of [[portal, 'retry'], [signedOut, 'needsSignIn']]) {
    const db = await freshDb();
    await enqueueGuideRead(db, { body: guideRead(), owner: USER });
    const summary = await deliver(db, { fetch: fakeServer({ answers: { [GUIDE_READS]: [answer] } }).fetch });
    assert.ok(summary[expect]);
    assert.equal((await allEntries(db))[0].state, WAITING);
  }
});

test('an answer that does not echo the client_uuid does not confirm the guide read', async () => {
  const db = await freshDb();
  await enqueueGuideRead(db, { body: guideRead(), owner: USER });
  const other = () => Response.json({ id: 5, client_uuid: randomUUID() }, { status: 201 });
  await deliver(db, { fetch: fakeServer({ answers: { [GUIDE_READS]: [other] } }).fetch });
  assert.notEqual((await allEntries(db))[0].state, SENT);
});

test('a guide read is never "fixed" as a report', async () => {
  const db = await freshDb();
  const seq = await enqueueGuideRead(db, { body: guideRead(), owner: USER });
  await assert.rejects(resubmit(db, seq, report()));
});
