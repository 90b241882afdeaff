// What a push shows and which window a tap uses (service_worker/push.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  NOTIFICATIONS_PAGE, applicationServerKey, notificationFromPush, readPush, safePath, windowFor,
} from '../../service_worker/push.js';

test('a push shows its title and words, opens its link, and an urgent one stays on screen', () => {
  const { title, options } = notificationFromPush({
    title: 'Stop the line: report NM-7 in North', body: 'Needs acknowledging', url: '/alerts/7',
    tag: 'notification-12', urgent: true,
  });
  assert.equal(title, 'Stop the line: report NM-7 in North');
  assert.equal(options.body, 'Needs acknowledging');
  assert.deepEqual(options.data, { url: '/alerts/7' });
  assert.equal(options.tag, 'notification-12');
  assert.equal(options.requireInteraction, true);
  assert.equal(notificationFromPush({ title: 'Action due', url: '/actions/1' }).options.requireInteraction, false);
});

test('a push without a usable payload still shows something and opens the inbox', () => {
  const { title, options } = notificationFromPush({ title: 42, url: 'https://evil.example/' });
  assert.match(title, /needs you/);
  assert.equal(options.data.url, NOTIFICATIONS_PAGE);
  assert.equal(options.tag, undefined);
  assert.deepEqual(readPush(null), {});
  assert.deepEqual(readPush({ json() { throw new SyntaxError('not json'); } }), {});
  assert.deepEqual(readPush({ json: () => ({ title: 'T' }) }), { title: 'T' });
  assert.equal(notificationFromPush({ title: 'x'.repeat(500) }).title.length, 120);
});

test('a push only ever opens a path of this site', () => {
  assert.equal(safePath('/alerts/3?x=1'), '/alerts/3?x=1');
  for (const bad of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/\tx', 'javascript:alert(1)', null]) {
    assert.equal(safePath(bad), NOTIFICATIONS_PAGE, String(bad));
  }
});

test('a tap focuses the window showing the item, else turns a window of the app to it, else opens one', () => {
  const origin = 'https://nm.example';
  const alert = { url: 'https://nm.example/alerts/7' };
  const work = { url: 'https://nm.example/work' };
  const other = { url: 'https://elsewhere.example/' };
  assert.deepEqual(windowFor([work, alert], '/alerts/7', origin), { client: alert, navigate: false });
  assert.deepEqual(windowFor([other, work], '/alerts/7', origin), { client: work, navigate: true });
  assert.deepEqual(windowFor([other], '/alerts/7', origin), { client: null, navigate: false });
  assert.deepEqual(windowFor([], '/alerts/7', origin), { client: null, navigate: false });
});

test('the VAPID key becomes the 65 bytes of an uncompressed P-256 point', () => {
  const bytes = new Uint8Array(65).map((_, i) => (i === 0 ? 4 : i * 3));
  const base64url = Buffer.from(bytes).toString('base64url');
  assert.ok(!base64url.includes('='));
  assert.deepEqual(applicationServerKey(base64url), bytes);
});
