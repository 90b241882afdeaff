// What waits in the outbox, in words, on a Spanish page: the page's table (app/pwa/page_strings.py)
// gives each piece, and the pieces agree in number with what they count.
import assert from 'node:assert/strict';
import { test } from 'node:test';

globalThis.document = {
  getElementById: (id) => (id === 'page-strings' ? {
    textContent: JSON.stringify({
      '%(num)s report': '%(num)s reporte',
      '%(num)s reports': '%(num)s reportes',
      '%(num)s guide confirmation': '%(num)s confirmación de lectura de guía',
      '%(num)s guide confirmations': '%(num)s confirmaciones de lectura de guía',
      '%(reports)s and %(guides)s': '%(reports)s y %(guides)s',
      '%(what)s waiting to send': '%(what)s en espera de envío',
      '%(what)s is still waiting on this phone. It stays here and is sent when you sign in again.':
        '%(what)s sigue en espera en este teléfono. Se queda aquí y se envía cuando vuelva a iniciar sesión.',
      '%(what)s are still waiting on this phone. They stay here and are sent when you sign in again.':
        '%(what)s siguen en espera en este teléfono. Se quedan aquí y se envían cuando vuelva a iniciar sesión.',
    }),
  } : null),
  documentElement: { lang: 'es' },
};
const { badgeLabel, signOutWarning } = await import('../../static/js/outbox-words.js');

test('each kind is counted in Spanish, and the verb follows how many wait in all', () => {
  assert.equal(badgeLabel({ reports: 2, guides: 1 }, 0),
    '2 reportes y 1 confirmación de lectura de guía en espera de envío');
  assert.equal(signOutWarning({ reports: 0, guides: 1 }),
    '1 confirmación de lectura de guía sigue en espera en este teléfono. Se queda aquí y se envía cuando vuelva a iniciar sesión.');
  assert.equal(signOutWarning({ reports: 1, guides: 2 }),
    '1 reporte y 2 confirmaciones de lectura de guía siguen en espera en este teléfono. Se quedan aquí y se envían cuando vuelva a iniciar sesión.');
});
