// The capture form's category hint (static/js/category-suggestion.js): when it asks, and that every
// failure comes back as "no suggestion" rather than an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  ENDPOINT, MIN_WORDS, createSuggester, wordCount, worthAsking,
} from '../../static/js/category-suggestion.js';

function json(status, body) {
  return { ok: status >= 200 && status < 300, status, json: async () => body };
}

/** A fake fetch answering the CSRF endpoint with a token and the suggestion endpoint with `answers`. */
function fakeServer(...answers) {
  const calls = [];
  let token = 0;
  const fetchImpl = async (url, options = {}) => {
    calls.push({ url, ...options });
    if (url === '/api/v1/csrf') return json(200, { csrf_token: `t${++token}` });
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return next;
  };
  return { calls, fetchImpl };
}

const MEDICATION = json(200, { category: { code: 'medication', label: 'Medication' }, confidence: 0.3 });

test('it asks only online and from four words', () => {
  assert.equal(MIN_WORDS, 4);
  assert.equal(wordCount('  the  MAR\nsaid 5mg '), 4);
  assert.equal(worthAsking('the MAR said 5mg', true), true);
  assert.equal(worthAsking('the MAR said', true), false);
  assert.equal(worthAsking('the MAR said 5mg', false), false);
});

test('the words go in a POST body with the CSRF token, never in the URL', async () => {
  const server = fakeServer(MEDICATION);
  const suggest = createSuggester({ fetchImpl: server.fetchImpl });

  assert.deepEqual(await suggest('the MAR said 5mg'), { code: 'medication', label: 'Medication' });

  const asked = server.calls.at(-1);
  assert.equal(asked.url, ENDPOINT);
  assert.equal(asked.method, 'POST');
  assert.equal(asked.headers['X-CSRFToken'], 't1');
  assert.deepEqual(JSON.parse(asked.body), { text: 'the MAR said 5mg' });
});

test('the token is fetched once, and again after the server refuses it', async () => {
  const server = fakeServer(MEDICATION, json(400, { error: 'csrf' }), MEDICATION);
  const suggest = createSuggester({ fetchImpl: server.fetchImpl });

  await suggest('one two three four');
  assert.equal(await suggest('one two three four'), null);
  await suggest('one two three four');

  const tokens = server.calls.filter((call) => call.url === ENDPOINT).map((call) => call.headers['X-CSRFToken']);
  assert.deepEqual(tokens, ['t1', 't1', 't2']);
});

test('no clear category, an error, a limit or no network all give null', async () => {
  const server = fakeServer(
    json(200, { category: null }),
    json(500, { error: 'boom' }),
    json(429, { error: 'too_many_requests' }),
    json(200, { category: { code: 7 } }),
    new TypeError('Failed to fetch'),
  );
  const suggest = createSuggester({ fetchImpl: server.fetchImpl });

  for (let n = 0; n < 5; n += 1) assert.equal(await suggest('one two three four'), null);
});

test('a server that does not answer in time gives null, and so does a request called off', async () => {
  const hanging = async (url, { signal }) => new Promise((resolve, reject) => {
    if (url === '/api/v1/csrf') resolve(json(200, { csrf_token: 't' }));
    if (signal.aborted) reject(new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
  assert.equal(await createSuggester({ fetchImpl: hanging, timeoutMs: 20 })('one two three four'), null);

  const calledOff = new AbortController();
  const pending = createSuggester({ fetchImpl: hanging, timeoutMs: 60_000 })('one two three four', calledOff.signal);
  calledOff.abort();
  assert.equal(await pending, null);
});
