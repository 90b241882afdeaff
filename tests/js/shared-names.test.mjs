// The page and the worker share names (the Background Sync tag, the channel, the outbox's database,
// the cache prefix, the types of the messages pages send the worker): each is defined once, in
// service_worker/, and the page scripts import it.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

const WORKER_DIR = new URL('../../service_worker/', import.meta.url);
const PAGE_DIR = new URL('../../static/js/', import.meta.url);

function sources(dir) {
  return readdirSync(dir).filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }));
}

/** The worker's exported string constants named after the app ('nearmiss-…'). */
function sharedNames() {
  const names = new Map();
  for (const { name, text } of sources(WORKER_DIR)) {
    for (const [, constant, value] of text.matchAll(/export const (\w+) = '(nearmiss-[^']*)'/g)) {
      names.set(`${name} ${constant}`, value);
    }
  }
  return names;
}

test('the worker defines its shared names once, the sync tag among them', () => {
  const names = sharedNames();
  assert.ok(names.has('sync.js SYNC_TAG') && names.has('sync.js CHANNEL_NAME') && names.has('cache.js PREFIX'));
  const worker = readFileSync(new URL('sw.js', WORKER_DIR), 'utf8');
  assert.match(worker, /import \{[^}]*\bSYNC_TAG\b[^}]*\} from '\/sw\/sync\.js'/);
  assert.doesNotMatch(worker, /'nearmiss-/, 'sw.js takes its names from its modules');
});

test('page scripts import the worker names rather than spell them out again', () => {
  const values = [...sharedNames().values()];
  for (const { name, text } of sources(PAGE_DIR)) {
    for (const value of values) {
      assert.ok(!text.includes(`'${value}'`), `static/js/${name} spells out '${value}'`);
    }
    // The page caches' prefix: page-cache deletion is service_worker/cache.js deletePageCaches.
    assert.ok(!text.includes("'nearmiss-pages-'"), `static/js/${name} deletes page caches itself`);
  }
});

/** The message types of service_worker/messages.js: constant name -> the string sent. */
function messageTypes() {
  const text = readFileSync(new URL('messages.js', WORKER_DIR), 'utf8');
  return new Map([...text.matchAll(/export const (\w+) = '([^']*)'/g)].map(([, constant, value]) => [constant, value]));
}

test('the messages pages send the worker are named once, in messages.js, and both sides import them', () => {
  const types = messageTypes();
  assert.deepEqual([...types.keys()].sort(), ['CACHE_PAGES', 'CLEAR_USER_DATA', 'LANGUAGE', 'SKIP_WAITING']);
  const worker = readFileSync(new URL('sw.js', WORKER_DIR), 'utf8');
  const imported = worker.match(/import \{([^}]*)\} from '\/sw\/messages\.js'/);
  assert.ok(imported, 'sw.js imports the message types from /sw/messages.js');
  for (const [constant, value] of types) {
    assert.match(imported[1], new RegExp(`\\b${constant}\\b`), `sw.js imports ${constant}`);
    assert.ok(!worker.includes(`'${value}'`), `sw.js spells out '${value}'`);
    for (const { name, text } of sources(PAGE_DIR)) {
      assert.ok(!text.includes(`'${value}'`), `static/js/${name} spells out '${value}'`);
    }
  }
});
