// The page scripts' words in the page's language (static/js/i18n.js) and the worker's per-language
// page keys (service_worker/cache.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LANGUAGES, offlineLanguage, pageKey } from '../../service_worker/cache.js';

async function freshI18n(table) {
  globalThis.document = table === undefined ? undefined : {
    getElementById: (id) => (id === 'page-strings' ? { textContent: JSON.stringify(table) } : null),
    documentElement: { lang: 'es' },
  };
  const module = await import(`../../static/js/i18n.js?${Math.random()}`);
  return module;
}

test('without a table the English text comes back, with its values', async () => {
  const { t, tn } = await freshI18n(undefined);
  assert.equal(t('%(count)s waiting', { count: 3 }), '3 waiting');
  assert.equal(tn('%(num)s needs attention', '%(num)s need attention', 1), '1 needs attention');
  assert.equal(tn('%(num)s needs attention', '%(num)s need attention', 2), '2 need attention');
});

test('the page table gives the translation; a text it lacks stays English', async () => {
  const { t, tn, pageLocale } = await freshI18n({
    '%(count)s waiting': '%(count)s en espera',
    '%(num)s needs attention': '%(num)s necesita atención',
    '%(num)s need attention': '%(num)s necesitan atención',
  });
  assert.equal(t('%(count)s waiting', { count: 2 }), '2 en espera');
  assert.equal(tn('%(num)s needs attention', '%(num)s need attention', 4), '4 necesitan atención');
  assert.equal(t('Not in the table'), 'Not in the table');
  assert.equal(pageLocale(), 'es');
});

test("the outbox's recorded reasons read in the page's language, status codes kept", async () => {
  const { reason } = await freshI18n({
    'No connection': 'Sin conexión',
    'Server error %(status)s': 'Error del servidor %(status)s',
  });
  assert.equal(reason('No connection'), 'Sin conexión');
  assert.equal(reason('Server error 503'), 'Error del servidor 503');
  assert.equal(reason('Something new'), 'Something new');
  assert.equal(reason(undefined), '');
});

test('each language of a page is kept apart; other query strings are not', () => {
  assert.deepEqual(LANGUAGES, ['en', 'es']);
  assert.equal(pageKey(new URL('https://x.test/report?lang=es')), '/report?lang=es');
  assert.equal(pageKey(new URL('https://x.test/report?lang=fr')), '/report');
  assert.equal(pageKey(new URL('https://x.test/report?next=/a')), '/report');
});

test('offline, the language is the address one, else the one the pages last said', async () => {
  const kept = new Map();
  globalThis.caches = {
    open: async () => ({ put: async (key, response) => kept.set(key, await response.text()) }),
    match: async (key) => (kept.has(key) ? new Response(kept.get(key)) : undefined),
  };
  const { rememberLanguage } = await import('../../service_worker/cache.js');
  assert.equal(await offlineLanguage(new URL('https://x.test/triage?lang=es'), 'pages'), 'es');
  await rememberLanguage('es', 'pages');
  assert.equal(await offlineLanguage(new URL('https://x.test/triage'), 'pages'), 'es');
  await rememberLanguage('fr', 'pages');
  assert.equal(await offlineLanguage(new URL('https://x.test/triage'), 'pages'), 'es');
  await rememberLanguage('en', 'pages');
  assert.equal(await offlineLanguage(new URL('https://x.test/triage'), 'pages'), 'en');
  delete globalThis.caches;
});
