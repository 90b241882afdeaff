// The capture form, offline-first: every report goes into the outbox before anything else, so
// nothing typed is lost to a dead signal, an expired session or a server error.

import { getEntry } from '/sw/outbox-db.js';
import { ATTENTION, SENT, enqueue, resubmit } from '/sw/outbox.js';
import { requestBackgroundSync, sync } from './outbox-delivery.js';
import { onCallAt, rotaFromPage, telHref } from './on-call.js';
import { refreshStatus } from './outbox-panel.js';
import { withOutbox } from './outbox-store.js';
import { pageLocale, reason, t } from './i18n.js';
import { userId } from './page.js';

const form = document.getElementById('report-form');
const notice = document.getElementById('form-notice');
const MAX_PHOTO_EDGE = 1600;

const REQUIRED = {
  still_at_risk: t('Answer yes or no.'),
  what_happened: t('Say in a few words what happened.'),
  category: t('Choose one of the listed categories.'),
  barrier: t('Say what caught it.'),
  occurred_at: t('Give the date and time it happened.'),
  region_id: t('Choose one of your regions.'),
};

function localNow() {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** The folded "When?" answer: "Now, 2:14 PM" on a fresh form, else the chosen date and time. */
function showWhen(fresh) {
  const shown = document.getElementById('when-value');
  const chosen = new Date(form.elements.occurred_at.value);
  if (!shown || Number.isNaN(chosen.getTime())) return;
  const time = chosen.toLocaleTimeString(pageLocale(), { hour: 'numeric', minute: '2-digit' });
  shown.textContent = fresh ? t('Now, %(time)s', { time }) : `${chosen.toLocaleDateString(pageLocale())}, ${time}`;
}

function freshForm() {
  form.elements.client_uuid.value = crypto.randomUUID();
  form.elements.occurred_at.value = localNow();
  form.elements.occurred_at.closest('details').open = false;
  showWhen(true);
  delete form.dataset.editingSeq;
  document.body.dataset.dirty = 'no';
}

function clearErrors() {
  form.querySelectorAll('.field-error[data-client]').forEach((node) => node.remove());
  form.querySelectorAll('[aria-invalid=true]').forEach((node) => node.removeAttribute('aria-invalid'));
}

function showError(name, message) {
  const field = form.elements[name];
  const anchor = field instanceof RadioNodeList ? field[0]?.closest('fieldset') : field;
  if (!anchor) return;
  const folded = anchor.closest('details');
  if (folded) folded.open = true;
  const error = document.createElement('p');
  error.className = 'field-error';
  error.dataset.client = 'yes';
  error.id = `${name}-client-error`;
  error.textContent = message;
  if (anchor.tagName === 'FIELDSET') anchor.append(error);
  else {
    anchor.setAttribute('aria-invalid', 'true');
    anchor.setAttribute('aria-describedby', error.id);
    anchor.after(error);
  }
}

function value(name) {
  return (form.elements[name]?.value ?? '').trim();
}

function bodyFromForm() {
  const occurred = value('occurred_at');
  const parsed = occurred ? new Date(occurred) : null;
  const optional = (name) => value(name) || null;
  return {
    client_uuid: value('client_uuid'),
    what_happened: value('what_happened'),
    category: value('category'),
    // The device's own offset goes with the time, so a phone in another zone is still right.
    occurred_at: parsed && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : occurred,
    occurred_at_approximate: form.elements.occurred_at_approximate.checked,
    region_id: Number(value('region_id')),
    still_at_risk: value('still_at_risk') === 'yes',
    barrier: value('barrier'),
    program_id: value('program_id') ? Number(value('program_id')) : null,
    location: optional('location'),
    person_ref: optional('person_ref'),
    immediate_action: optional('immediate_action'),
    interface_tag: optional('interface_tag'),
    event_class: value('event_class') || 'near_miss',
    confidential: form.elements.confidential.checked,
    captured_at: new Date().toISOString(),
  };
}

function missingAnswers() {
  const missing = {};
  for (const [name, message] of Object.entries(REQUIRED)) {
    if (!value(name)) missing[name] = message;
  }
  return missing;
}

/** Downscale on the phone and re-encode (which also drops the camera's location metadata). */
async function photoBytes() {
  const file = form.elements.photo?.files?.[0];
  if (!file) return null;
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
  return { content_type: 'image/jpeg', bytes: await blob.arrayBuffer() };
}

function say(kind, html) {
  notice.hidden = false;
  notice.className = `form-notice ${kind}`;
  notice.replaceChildren(...html);
  notice.scrollIntoView({ block: 'start' });
  // A keyboard or screen-reader user lands on what happened to their report.
  notice.tabIndex = -1;
  notice.focus({ preventScroll: true });
}

function text(tag, content, cls) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (cls) node.className = cls;
  return node;
}

/** "Phone your supervisor now", with the on-call name and number when the rota the page carries has one. */
function phoneNow(regionId) {
  const shift = onCallAt(rotaFromPage(document), regionId, new Date());
  const line = text('p', '', 'field-error');
  if (!shift) {
    line.textContent = t('Someone is still at risk: phone your supervisor now, because this report cannot reach them yet.');
    return line;
  }
  const call = document.createElement('a');
  call.href = telHref(shift.phone);
  call.className = 'button primary';
  call.textContent = t('Call %(name)s (on call): %(phone)s', { name: shift.name, phone: shift.phone });
  line.append(`${t('Someone is still at risk and this report cannot reach anyone yet: phone now.')} `, call);
  return line;
}

async function outcomeFor(seq, stillAtRisk, regionId) {
  const entry = await withOutbox((db) => getEntry(db, seq));
  if (entry?.state === SENT) {
    const lines = [text('strong', t('Thank you — your report is in.')), text('p', t('Reference NM-%(id)s.', { id: entry.server_id }))];
    if (stillAtRisk) lines.push(text('p', t('Your supervisor is alerted now. Stay with the person if it is safe.')));
    lines.push(text('p', t('A supervisor looks at it today. Follow it under My reports.')));
    say('sent', lines);
  } else if (entry?.state === ATTENTION) {
    say('attention', [text('strong', t('The server could not accept this report.')),
      text('p', t('It is kept on this phone under “Needs attention” below: fix it and send it again.'))]);
  } else {
    const lines = [text('strong', t('Saved on this phone — waiting to send.')),
      text('p', t('It is sent by itself as soon as there is signal. You do not need to do anything else.'))];
    // Why it is still waiting, when the try met something other than no signal (a Wi-Fi sign-in page, a busy server).
    if (entry?.last_error?.retry && entry.last_error.message !== 'No connection') {
      lines.push(text('p', `${reason(entry.last_error.message)}.`, 'meta'));
    }
    if (stillAtRisk) lines.push(phoneNow(regionId));
    say('waiting', lines);
  }
}

async function handleSubmit(event) {
  if (userId === null) return; // not signed in: let the browser post; the server asks for sign-in
  event.preventDefault();
  notice.hidden = true;
  clearErrors();
  const missing = missingAnswers();
  if (Object.keys(missing).length) {
    Object.entries(missing).forEach(([name, message]) => showError(name, message));
    say('attention', [text('strong', t('Some answers need attention — see below. Nothing you typed is lost.'))]);
    return;
  }
  const body = bodyFromForm();
  let photo = null;
  try {
    photo = await photoBytes();
  } catch {
    showError('photo', t('This photo could not be read; take it again or send without it.'));
    return;
  }
  const stillAtRisk = body.still_at_risk;
  const seq = await withOutbox(async (db) => {
    if (!form.dataset.editingSeq) return enqueue(db, { body, owner: userId, photo });
    const editing = Number(form.dataset.editingSeq);
    const previous = await getEntry(db, editing);
    const conflicted = previous?.last_error?.status === 409;
    await resubmit(db, editing, body, { newUuid: conflicted ? crypto.randomUUID() : null });
    return editing;
  });
  form.reset();
  freshForm();
  document.dispatchEvent(new Event('report-saved'));
  await refreshStatus();
  requestBackgroundSync();
  await sync();
  await outcomeFor(seq, stillAtRisk, body.region_id);
}

function loadEntry(entry) {
  clearErrors();
  const data = entry.body || {};
  for (const [name, raw] of Object.entries(data)) {
    const field = form.elements[name];
    if (!field || name === 'photo') continue;
    if (name === 'still_at_risk') {
      form.querySelector(`input[name=still_at_risk][value=${raw ? 'yes' : 'no'}]`).checked = true;
    } else if (name === 'occurred_at' && raw) {
      const date = new Date(raw);
      field.value = new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    } else if (field.type === 'checkbox') {
      field.checked = Boolean(raw);
    } else if (field instanceof RadioNodeList) {
      field.value = raw ?? '';
    } else {
      field.value = raw ?? '';
    }
  }
  showWhen(false);
  form.elements.occurred_at.closest('details').open = true;
  form.dataset.editingSeq = String(entry.seq);
  document.body.dataset.dirty = 'yes';
  for (const [name, messages] of Object.entries(entry.last_error?.errors || {})) {
    showError(name, messages.join(' '));
  }
  if (entry.last_error?.errors && Object.keys(entry.last_error.errors).some((n) => ['program_id', 'location', 'person_ref', 'immediate_action', 'interface_tag', 'event_class'].includes(n))) {
    form.querySelector('details.more').open = true;
  }
  say('attention', [text('strong', t('Fix the answers marked below, then tap “Send report”.'))]);
}

async function loadEntryFromHash() {
  const match = window.location.hash.match(/^#fix-(\d+)$/);
  if (!match) return;
  const entry = await withOutbox((db) => getEntry(db, Number(match[1])));
  if (entry && entry.state === ATTENTION) loadEntry(entry);
}

/**
 * The one-tap language switch: the link opens the form in that language (the worker keeps both, so
 * it works with no signal); when online the choice is also saved to the account first.
 */
async function switchLanguage(event) {
  const link = event.currentTarget;
  if (!navigator.onLine || !form) return;
  event.preventDefault();
  const body = new FormData();
  body.set('csrf_token', form.elements.csrf_token.value);
  body.set('language', link.dataset.setLanguage);
  try {
    await fetch(link.dataset.languageUrl, {
      method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'application/json' },
    });
  } catch {
    // No answer: the link still opens the form in that language.
  }
  window.location.assign(link.href);
}

document.querySelectorAll('[data-set-language]').forEach((link) => link.addEventListener('click', switchLanguage));

if (form) {
  if (form.dataset.blank === 'yes') freshForm();
  form.addEventListener('input', () => { document.body.dataset.dirty = 'yes'; });
  form.addEventListener('change', () => { document.body.dataset.dirty = 'yes'; });
  form.addEventListener('submit', handleSubmit);
  form.elements.occurred_at.addEventListener('change', () => showWhen(false));
  document.addEventListener('outbox-fix', (event) => loadEntry(event.detail));
  loadEntryFromHash();
  // Loaded apart, so the form works even if the category hint cannot load.
  if (userId !== null) {
    import('./category-suggestion.js').then((hint) => hint.offerCategorySuggestions(form)).catch(() => {});
  }
}
