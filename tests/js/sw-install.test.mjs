// The worker's install never waits for ever on one request (service_worker/cache.js installRequest).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { installRequest } from '../../service_worker/cache.js';

test('an install request keeps what it was asked with and carries a deadline', () => {
  const request = installRequest('http://127.0.0.1/offline', { credentials: 'omit' });
  assert.equal(request.credentials, 'omit');
  assert.ok(request.signal instanceof AbortSignal);
  assert.equal(request.signal.aborted, false);
});
