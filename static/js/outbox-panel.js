// The outbox as the page shows it: the badge in the top bar, the panel of waiting reports with what
// each needs, the note on the sign-in page, and the storage warning.

import {
  ATTENTION, GUIDE_READ, SENDING, SENT, WAITING, claim, discard, kindOf, needsClaim,
} from '/sw/outbox.js';
import { CHANNEL_NAME } from '/sw/sync.js';
import { lastDelivery, sendNow, syncAfterChange } from './outbox-delivery.js';
import { readOutbox, unsentOf, waitingKinds, withOutbox } from './outbox-store.js';
import { badgeLabel, signInNote } from './outbox-words.js';
import { pageLocale, reason, t, tn } from './i18n.js';
import { el, userId } from './page.js';
import { layoutNav } from './topbar.js';

const STATE_LABELS = {
  [WAITING]: t('Waiting to send'),
  [SENDING]: t('Sending…'),
  [ATTENTION]: t('Needs attention'),
  [SENT]: t('Sent'),
};
const LOW_STORAGE_BYTES = 20 * 1024 * 1024;

function categoryLabel(code) {
  const input = document.querySelector(`input[name=category][value="${CSS.escape(code || '')}"]`);
  const strong = input?.closest('label')?.querySelector('strong');
  if (strong) return strong.textContent;
  return (code || t('Report')).replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
}

/** What an entry is, in a list: a report's category, or the cue guide version someone confirmed. */
function entryLabel(entry) {
  if (kindOf(entry) !== GUIDE_READ) return categoryLabel(entry.summary?.category);
  const number = entry.summary?.version;
  return number ? t('Cue guide read: version %(number)s', { number }) : t('Cue guide read: default version');
}

function timeLabel(ms) {
  return new Date(ms).toLocaleString(pageLocale(), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

function clockLabel(ms) {
  return new Date(ms).toLocaleTimeString(pageLocale(), { hour: '2-digit', minute: '2-digit' });
}

/** Whose name a claimed report goes under: the signed-in person's (the panel carries it). */
function signedInName() {
  return document.getElementById('outbox-panel')?.dataset.userName || t('you');
}

function needsSignIn() {
  return Boolean(lastDelivery()?.needsSignIn);
}

/** Redraw the badge, the panel, the sign-in page's note and the storage warning from the outbox. */
export async function refreshStatus() {
  const { entries, lastSync } = await readOutbox(userId);
  const unsent = unsentOf(entries);
  renderBadge(unsent);
  const panel = document.getElementById('outbox-panel');
  if (panel) renderPanel(panel, entries, unsent, lastSync);
  renderLoginNote(unsent);
  await warnAboutStorage(unsent.length);
}

function renderBadge(unsent) {
  const badge = document.getElementById('outbox-badge');
  if (!badge) return;
  const attention = unsent.filter((e) => e.state === ATTENTION || needsClaim(e)).length;
  const wasHidden = badge.hidden;
  badge.hidden = unsent.length === 0;
  badge.textContent = t('%(count)s waiting', { count: unsent.length });
  badge.classList.toggle('attention', attention > 0);
  badge.setAttribute('aria-label', badgeLabel(waitingKinds(unsent), attention));
  // The badge takes room in the top bar: when it comes or goes, the links that fit may change.
  if (badge.hidden !== wasHidden) layoutNav();
}

function renderLoginNote(unsent) {
  const loginNote = document.getElementById('outbox-login-note');
  if (!loginNote) return;
  loginNote.hidden = unsent.length === 0;
  const unclaimed = unsent.filter(needsClaim).length;
  const waiting = signInNote(waitingKinds(unsent));
  const asking = unclaimed ? ` ${tn('%(num)s written before an update asks first whose name it goes under.',
    '%(num)s written before an update ask first whose name they go under.', unclaimed)}` : '';
  loginNote.textContent = `${waiting}${asking}`;
}

function renderPanel(panel, entries, unsent, lastSync) {
  panel.hidden = entries.length === 0 && !needsSignIn();
  const summary = panel.querySelector('[data-outbox-summary]');
  const needAttention = unsent.filter((e) => e.state === ATTENTION).length;
  const unclaimed = unsent.filter(needsClaim).length;
  const parts = [t('%(count)s waiting to send', { count: unsent.length })];
  if (needAttention) parts.push(tn('%(num)s needs attention', '%(num)s need attention', needAttention));
  if (unclaimed) parts.push(t('%(count)s written before an update', { count: unclaimed }));
  if (lastSync) parts.push(t('last sent %(when)s', { when: timeLabel(lastSync) }));
  summary.textContent = parts.join(' · ');
  const signIn = panel.querySelector('[data-outbox-signin]');
  signIn.hidden = !(needsSignIn() && unsent.length > 0);
  const offline = panel.querySelector('[data-outbox-offline]');
  offline.hidden = navigator.onLine || unsent.length === 0;
  const list = panel.querySelector('[data-outbox-list]');
  list.replaceChildren(...[...entries].reverse().map(entryItem));
}

/**
 * An entry from before an update: the signed-in person is asked whether it goes under their name;
 * it is never sent until they say so (or deleted until they confirm that).
 */
function unclaimedItem(entry) {
  const occurred = entry.summary?.occurred_at ?? entry.body?.occurred_at;
  const item = el('li', { class: 'outbox-entry state-unclaimed', 'data-state': 'unclaimed' },
    el('span', { class: 'meta' }, `${categoryLabel(entry.summary?.category ?? entry.body?.category)}${occurred ? ` · ${t('happened %(when)s', { when: timeLabel(occurred) })}` : ''}`),
    el('strong', { class: 'state' }, userId === null
      ? t('Written before an update — sign in to send it')
      : t('Written before an update — send as %(name)s?', { name: signedInName() })));
  if (userId !== null) {
    item.append(el('div', { class: 'entry-actions' },
      el('button', { type: 'button', class: 'claim', onclick: () => claimEntry(entry) }, t('Send as %(name)s', { name: signedInName() })),
      el('button', { type: 'button', class: 'delete', onclick: () => deleteEntry(entry) }, t('Delete'))));
  }
  return item;
}

function entryItem(entry) {
  if (needsClaim(entry)) return unclaimedItem(entry);
  const label = STATE_LABELS[entry.state];
  const item = el('li', { class: `outbox-entry state-${entry.state}`, 'data-state': entry.state },
    el('span', { class: 'meta' }, `${entryLabel(entry)} · ${t('queued %(when)s', { when: timeLabel(entry.created_at) })}`),
    el('strong', { class: 'state' }, entry.state === SENT && entry.server_id != null && kindOf(entry) !== GUIDE_READ ? `${label} · NM-${entry.server_id}` : label));
  if (entry.state === WAITING && entry.last_error?.retry) {
    const why = reason(entry.last_error.message);
    item.append(el('span', { class: 'meta' }, entry.last_error.until
      ? t('%(reason)s; trying again by itself at %(time)s.', { reason: why, time: clockLabel(entry.last_error.until) })
      : t('%(reason)s; trying again by itself.', { reason: why })));
  }
  if (entry.state === ATTENTION) {
    const errors = Object.values(entry.last_error?.errors || {}).flat();
    item.append(el('p', { class: 'field-error' }, [entry.last_error?.message && reason(entry.last_error.message), ...errors].filter(Boolean).join(' ')));
    // A guide read has nothing to fix: it is deleted, and confirmed again from the guide's page.
    const fix = kindOf(entry) === GUIDE_READ ? []
      : [el('button', { type: 'button', class: 'fix', onclick: () => fixEntry(entry) }, t('Fix and send'))];
    item.append(el('div', { class: 'entry-actions' }, ...fix,
      el('button', { type: 'button', class: 'delete', onclick: () => deleteEntry(entry) }, t('Delete'))));
  }
  return item;
}

/** "Fix and send": the report form loads the entry (report-form.js), here or on /report. */
function fixEntry(entry) {
  if (document.getElementById('report-form')) {
    document.dispatchEvent(new CustomEvent('outbox-fix', { detail: entry }));
  } else {
    window.location.href = `/report#fix-${entry.seq}`;
  }
}

async function claimEntry(entry) {
  // eslint-disable-next-line no-alert
  if (!window.confirm(t('Send this report as %(name)s? Only if you wrote it: it goes in under your name.', { name: signedInName() }))) return;
  await withOutbox((db) => claim(db, entry.seq, userId));
  await refreshStatus();
  await syncAfterChange();
}

async function deleteEntry(entry) {
  // eslint-disable-next-line no-alert
  if (!window.confirm(kindOf(entry) === GUIDE_READ
    ? t('Delete this guide confirmation from the phone? It has not been sent.')
    : t('Delete this report from the phone? It has not been sent.'))) return;
  await withOutbox((db) => discard(db, entry.seq));
  await refreshStatus();
}

let storageChecked = false;
/** While reports wait: ask once for persistent storage, and say so if space is short or not kept. */
async function warnAboutStorage(pendingCount) {
  const warning = document.getElementById('storage-warning');
  if (!warning || !navigator.storage) return;
  if (pendingCount === 0) {
    warning.hidden = true;
    return;
  }
  let persisted = await navigator.storage.persisted?.();
  if (!persisted && !storageChecked) persisted = await navigator.storage.persist?.();
  storageChecked = true;
  const estimate = await navigator.storage.estimate?.();
  const free = estimate ? estimate.quota - estimate.usage : Infinity;
  const messages = [];
  if (free < LOW_STORAGE_BYTES) messages.push(t('This phone is nearly out of storage space for the app.'));
  if (!persisted) messages.push(t('This browser may clear waiting reports if space runs short: send them as soon as you have signal, or install the app.'));
  warning.hidden = messages.length === 0;
  warning.textContent = messages.join(' ');
}

/** The panel's "Send now" button, and a redraw whenever any tab or the worker changed the outbox. */
export function watchOutbox() {
  document.querySelectorAll('[data-outbox-send]').forEach((button) => button.addEventListener('click', sendNow));
  if (typeof BroadcastChannel !== 'undefined') {
    new BroadcastChannel(CHANNEL_NAME).onmessage = () => refreshStatus();
  }
  window.addEventListener('offline', () => refreshStatus());
}
