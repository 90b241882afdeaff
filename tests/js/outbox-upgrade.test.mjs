// Reports queued by outbox version 1 (before entries had an owner), opened by the current code.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { IDBFactory } from 'fake-indexeddb';

import { DB_VERSION, allEntries, openOutbox } from '../../service_worker/outbox-db.js';
import {
  SENT, WAITING, claim, counts, deliver, discard, enqueue, entriesFor, needsClaim, pending, pruneSent,
} from '../../service_worker/outbox.js';

const USER = 7;
const SOMEONE_ELSE = 99;

function report() {
  return {
    client_uuid: randomUUID(), what_happened: 'Pill organiser had two Tuesdays', category: 'medication',
    occurred_at: '2026-11-20T10:00:00.000Z', region_id: 1, still_at_risk: false, barrier: 'Checked the MAR',
  };
}

/**
 * A database exactly as outbox version 1 left it on a phone: its own schema (written out here, not
 * taken from the current code) and entries as version 1 queued them, with no owner and no state.
 */
async function versionOneDatabase(idb, bodies) {
  const db = await new Promise((resolve, reject) => {
    const request = idb.open('nearmiss-outbox', 1);
    request.onupgradeneeded = () => {
      const entries = request.result.createObjectStore('entries', { keyPath: 'seq', autoIncrement: true });
      entries.createIndex('client_uuid', 'client_uuid', { unique: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = db.transaction('entries', 'readwrite');
  bodies.forEach((body, n) => tx.objectStore('entries').add({
    client_uuid: body.client_uuid, body, photo: null, created_at: 1_000 + n,
  }));
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
  db.close();
}

/** A scripted server whose session belongs to `userId`; it accepts every report (alone or in a batch). */
function server(userId) {
  const posts = [];
  const receipt = (body) => {
    posts.push(body);
    return { id: posts.length, client_uuid: body.client_uuid };
  };
  const fetch = async (url, options = {}) => {
    if (url.endsWith('/api/v1/csrf')) return Response.json({ csrf_token: 'token', user_id: userId });
    const body = JSON.parse(options.body);
    if (url.endsWith('/batch')) return Response.json({ results: body.reports.map((r) => ({ status: 201, ...receipt(r) })) });
    return Response.json(receipt(body), { status: 201 });
  };
  return { fetch, posts };
}

async function upgradedFromVersionOne(bodies) {
  const idb = new IDBFactory();
  await versionOneDatabase(idb, bodies);
  const db = await openOutbox(idb);
  assert.equal(db.version, DB_VERSION);
  return db;
}

test('a version-1 report survives the upgrade, is listed as needing a claim, and is not sent by itself', async () => {
  const bodies = [report(), report()];
  const db = await upgradedFromVersionOne(bodies);
  const entries = await allEntries(db);
  assert.deepEqual(entries.map((e) => e.client_uuid), bodies.map((b) => b.client_uuid), 'kept, in order');
  assert.ok(entries.every((e) => e.state === WAITING && e.owner === null && e.body));

  const shown = await entriesFor(db, USER);
  assert.deepEqual(shown.map((e) => e.client_uuid), bodies.map((b) => b.client_uuid), 'the signed-in person sees them');
  assert.ok(shown.every(needsClaim));

  const signedIn = server(USER);
  const summary = await deliver(db, { fetch: signedIn.fetch });
  assert.deepEqual(signedIn.posts, [], 'never sent under whoever happens to be signed in');
  assert.equal(summary.unclaimed, 2);
  assert.equal((await pending(db)).length, 2);
  await pruneSent(db, Number.MAX_SAFE_INTEGER);
  assert.equal((await allEntries(db)).length, 2, 'never pruned either');
});

test('a claimed version-1 report is sent under the claimer\'s session, and only theirs', async () => {
  const [mine, notYetClaimed] = [report(), report()];
  const db = await upgradedFromVersionOne([mine, notYetClaimed]);
  const [entry] = await allEntries(db);
  await claim(db, entry.seq, USER);

  const otherSession = server(SOMEONE_ELSE);
  await deliver(db, { fetch: otherSession.fetch });
  assert.deepEqual(otherSession.posts, [], 'another person\'s session does not send it');

  const claimerSession = server(USER);
  const summary = await deliver(db, { fetch: claimerSession.fetch });
  assert.equal(summary.sent, 1);
  assert.deepEqual(claimerSession.posts.map((b) => b.client_uuid), [mine.client_uuid]);
  const [sent, waiting] = await allEntries(db);
  assert.equal(sent.state, SENT);
  assert.equal(sent.owner, USER);
  assert.ok(needsClaim(waiting), 'the other one still waits for its own claim');
  assert.deepEqual(await counts(db, USER), { waiting: 0, sending: 0, attention: 0, sent: 1 });
});

test('a claim never takes over a report that has an owner', async () => {
  const db = await openOutbox(new IDBFactory());
  const seq = await enqueue(db, { body: report(), owner: SOMEONE_ELSE });
  await assert.rejects(claim(db, seq, USER), /not waiting for a claim/);
  assert.equal((await allEntries(db))[0].owner, SOMEONE_ELSE);
  assert.deepEqual((await entriesFor(db, USER)), [], 'nor is it shown to another person');
});

test('a version-1 report can be deleted explicitly instead', async () => {
  const db = await upgradedFromVersionOne([report()]);
  const [entry] = await allEntries(db);
  await discard(db, entry.seq);
  assert.deepEqual(await allEntries(db), []);
});
