// What waits in the outbox, in words (static/js/outbox-words.js): reports and cue guide confirmations
// each counted as what they are, in English (no page table).
import assert from 'node:assert/strict';
import { test } from 'node:test';

globalThis.document = undefined;
const { badgeLabel, signInNote, signOutWarning, waitingWhat } = await import('../../static/js/outbox-words.js');

test('reports and guide confirmations are each counted as what they are', () => {
  assert.equal(waitingWhat({ reports: 1, guides: 0 }), '1 report');
  assert.equal(waitingWhat({ reports: 3, guides: 0 }), '3 reports');
  assert.equal(waitingWhat({ reports: 0, guides: 1 }), '1 guide confirmation');
  assert.equal(waitingWhat({ reports: 0, guides: 2 }), '2 guide confirmations');
  assert.equal(waitingWhat({ reports: 2, guides: 1 }), '2 reports and 1 guide confirmation');
});

test('the badge, the sign-in note and the sign-out warning name the kinds, verbs agreeing', () => {
  assert.equal(badgeLabel({ reports: 2, guides: 1 }, 0), '2 reports and 1 guide confirmation waiting to send');
  assert.equal(badgeLabel({ reports: 0, guides: 1 }, 1), '1 guide confirmation waiting to send, 1 need attention');
  assert.equal(signOutWarning({ reports: 0, guides: 1 }),
    '1 guide confirmation is still waiting on this phone. It stays here and is sent when you sign in again.');
  assert.equal(signOutWarning({ reports: 1, guides: 0 }),
    '1 report is still waiting on this phone. It stays here and is sent when you sign in again.');
  assert.equal(signOutWarning({ reports: 2, guides: 1 }),
    '2 reports and 1 guide confirmation are still waiting on this phone. They stay here and are sent when you sign in again.');
  assert.equal(signInNote({ reports: 1, guides: 1 }),
    '1 report and 1 guide confirmation are waiting on this phone. Sign in and they are sent straight away.');
});
