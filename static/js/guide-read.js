// "I have read this version" on a cue guide's page, offline too: the confirmation waits in the outbox
// like a report (service_worker/outbox.js `enqueueGuideRead`) and is sent when there is signal. The
// page's form posts to the server by itself where this script does not run. On the report form, the
// prompt to read a new version goes away once its confirmation is on the phone.

import { CHANNEL_NAME } from '/sw/sync.js';
import { ATTENTION, GUIDE_READ, SENT, enqueueGuideRead } from '/sw/outbox.js';
import { requestBackgroundSync, sync } from './outbox-delivery.js';
import { refreshStatus } from './outbox-panel.js';
import { readOutbox, withOutbox } from './outbox-store.js';
import { t } from './i18n.js';
import { userId } from './page.js';

/** The guide an element names: data-role, data-language, data-version. */
function guideOf(element) {
  const { role, language, version } = element.dataset;
  return { role, language, version: Number(version) };
}

function sameGuide(entry, guide) {
  const summary = entry.summary || {};
  return entry.kind === GUIDE_READ && summary.role === guide.role
    && summary.language === guide.language && summary.version === guide.version;
}

/**
 * This person's confirmation of `guide` on this phone, sent or waiting; null if there is none. One
 * the server refused (needs attention) does not count: the button is offered again.
 */
async function onThisPhone(guide) {
  const { entries } = await readOutbox(userId);
  return entries.filter((entry) => sameGuide(entry, guide) && entry.state !== ATTENTION).at(-1) ?? null;
}

/** Each form and prompt as the outbox has it: confirmed here (waiting or sent), or still to do. */
async function redraw() {
  for (const form of document.querySelectorAll('form[data-guide-read]')) {
    const entry = await onThisPhone(guideOf(form));
    if (!entry) continue;
    form.querySelector('button[type=submit]').hidden = true;
    const status = form.querySelector('[data-guide-read-status]');
    status.hidden = false;
    status.classList.toggle('sent', entry.state === SENT);
    status.classList.toggle('waiting', entry.state !== SENT);
    status.textContent = entry.state === SENT
      ? t('Thank you: your reading of this version is recorded.')
      : t('Confirmed on this phone. It is sent as soon as there is signal.');
    form.dataset.state = entry.state;
  }
  for (const prompt of document.querySelectorAll('[data-guide-prompt]')) {
    if (await onThisPhone(guideOf(prompt))) prompt.hidden = true;
  }
}

async function confirmRead(event) {
  if (userId === null) return; // not signed in: the form posts, and the server asks for sign-in
  event.preventDefault();
  const guide = guideOf(event.currentTarget);
  const body = { client_uuid: crypto.randomUUID(), ...guide, read_at: new Date().toISOString() };
  await withOutbox((db) => enqueueGuideRead(db, { body, owner: userId }));
  await redraw();
  await refreshStatus();
  requestBackgroundSync();
  await sync();
  await redraw();
}

/** Wire the guide page's form and the report form's prompt, on the pages that have them. */
export function watchGuideReads() {
  if (!document.querySelector('form[data-guide-read], [data-guide-prompt]')) return;
  document.querySelectorAll('form[data-guide-read]').forEach((form) => form.addEventListener('submit', confirmRead));
  if (typeof BroadcastChannel !== 'undefined') {
    new BroadcastChannel(CHANNEL_NAME).addEventListener('message', () => redraw());
  }
  if (userId !== null) redraw();
}
