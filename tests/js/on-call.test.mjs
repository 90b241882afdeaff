// The form's on-call lookup (static/js/on-call.js): the shift covering the moment, per region.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { onCallAt, rotaFromPage, telHref } from '../../static/js/on-call.js';

const ROTA = [
  { region_id: 1, name: 'Ana', phone: '+1 (555) 010-2000', starts_at: '2026-12-01T17:00:00+00:00', ends_at: '2026-12-02T05:00:00+00:00' },
  { region_id: 1, name: 'Ben', phone: '555 0101', starts_at: '2026-12-02T05:00:00+00:00', ends_at: '2026-12-02T17:00:00+00:00' },
  { region_id: 2, name: 'Cy', phone: '555 0202', starts_at: '2026-12-01T00:00:00+00:00', ends_at: '2026-12-03T00:00:00+00:00' },
];

test('the shift covering the moment, in the report region only', () => {
  assert.equal(onCallAt(ROTA, 1, new Date('2026-12-01T23:00:00Z')).name, 'Ana');
  assert.equal(onCallAt(ROTA, 1, new Date('2026-12-02T05:00:00Z')).name, 'Ben', 'a shift ends where the next starts');
  assert.equal(onCallAt(ROTA, 2, new Date('2026-12-02T05:00:00Z')).name, 'Cy');
  assert.equal(onCallAt(ROTA, 1, new Date('2026-12-01T16:59:00Z')), null);
  assert.equal(onCallAt(ROTA, 3, new Date('2026-12-01T23:00:00Z')), null);
});

test('of two overlapping shifts the later one answers', () => {
  const cover = { region_id: 1, name: 'Dee', phone: '1', starts_at: '2026-12-01T20:00:00+00:00', ends_at: '2026-12-01T22:00:00+00:00' };
  assert.equal(onCallAt([...ROTA, cover], 1, new Date('2026-12-01T21:00:00Z')).name, 'Dee');
});

test('a tel: address keeps only digits and a leading plus', () => {
  assert.equal(telHref('+1 (555) 010-2000'), 'tel:+15550102000');
  assert.equal(telHref(' 555 0101 '), 'tel:5550101');
});

test('an unreadable rota is an empty one', () => {
  const page = (text) => ({ getElementById: () => (text === null ? null : { textContent: text }) });
  assert.deepEqual(rotaFromPage(page('[{"region_id": 1}]')), [{ region_id: 1 }]);
  assert.deepEqual(rotaFromPage(page('not json')), []);
  assert.deepEqual(rotaFromPage(page('{"a": 1}')), []);
  assert.deepEqual(rotaFromPage(page(null)), []);
});
