// Every page: the service worker and its updates, the outbox badge and panel, delivery triggers,
// and the sign-out guard. No framework; the page works without this script too.

import { openOutbox } from '/sw/outbox-db.js';
import {
  ATTENTION, SENDING, SENT, WAITING, claim, discard, entriesFor, lastSyncAt, makeDueNow, needsClaim,
} from '/sw/outbox.js';
import { CHANNEL_NAME, syncOutbox } from '/sw/sync.js';

const body = document.body;
export const userId = body.dataset.userId ? Number(body.dataset.userId) : null;
const SYNC_TAG = 'nearmiss-outbox';
const PERIODIC_SYNC_MS = 30_000;
const STATE_LABELS = {
  [WAITING]: 'Waiting to send',
  [SENDING]: 'Sending…',
  [ATTENTION]: 'Needs attention',
  [SENT]: 'Sent',
};
let lastSummary = null;

export function formIsDirty() {
  return body.dataset.dirty === 'yes';
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function categoryLabel(code) {
  const input = document.querySelector(`input[name=category][value="${CSS.escape(code || '')}"]`);
  const strong = input?.closest('label')?.querySelector('strong');
  if (strong) return strong.textContent;
  return (code || 'Report').replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
}

function timeLabel(ms) {
  return new Date(ms).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

function clockLabel(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Whose name a claimed report goes under: the signed-in person's (the panel carries it). */
function signedInName() {
  return document.getElementById('outbox-panel')?.dataset.userName || 'you';
}

async function readOutbox() {
  const db = await openOutbox();
  try {
    // The person's own entries and those from before an update that wait for a claim (outbox.js).
    const entries = await entriesFor(db, userId);
    return { entries, lastSync: await lastSyncAt(db) };
  } finally {
    db.close();
  }
}

/** Redraw the badge and the panel from the outbox. */
export async function refreshStatus() {
  const { entries, lastSync } = await readOutbox();
  const unsent = entries.filter((e) => e.state !== SENT);
  const attention = unsent.filter((e) => e.state === ATTENTION || needsClaim(e)).length;
  const badge = document.getElementById('outbox-badge');
  if (badge) {
    const wasHidden = badge.hidden;
    badge.hidden = unsent.length === 0;
    badge.textContent = `${unsent.length} waiting`;
    badge.classList.toggle('attention', attention > 0);
    badge.setAttribute('aria-label', `${unsent.length} reports waiting to send${attention ? `, ${attention} need attention` : ''}`);
    // The badge takes room in the top bar: when it comes or goes, the links that fit may change.
    if (badge.hidden !== wasHidden) layoutNav();
  }
  const panel = document.getElementById('outbox-panel');
  if (panel) renderPanel(panel, entries, unsent, lastSync);
  const loginNote = document.getElementById('outbox-login-note');
  if (loginNote) {
    loginNote.hidden = unsent.length === 0;
    const unclaimed = unsent.filter(needsClaim).length;
    loginNote.textContent = `${unsent.length} report${unsent.length === 1 ? ' is' : 's are'} waiting on this phone. Sign in and they are sent straight away.${
      unclaimed ? ` ${unclaimed} written before an update ${unclaimed === 1 ? 'asks' : 'ask'} first whose name ${unclaimed === 1 ? 'it goes' : 'they go'} under.` : ''}`;
  }
  await warnAboutStorage(unsent.length);
}

function renderPanel(panel, entries, unsent, lastSync) {
  panel.hidden = entries.length === 0 && !lastSummary?.needsSignIn;
  const summary = panel.querySelector('[data-outbox-summary]');
  const needAttention = unsent.filter((e) => e.state === ATTENTION).length;
  const unclaimed = unsent.filter(needsClaim).length;
  const parts = [`${unsent.length} waiting to send`];
  if (needAttention) parts.push(`${needAttention} need${needAttention === 1 ? 's' : ''} attention`);
  if (unclaimed) parts.push(`${unclaimed} written before an update`);
  if (lastSync) parts.push(`last sent ${timeLabel(lastSync)}`);
  summary.textContent = parts.join(' · ');
  const signIn = panel.querySelector('[data-outbox-signin]');
  signIn.hidden = !(lastSummary?.needsSignIn && unsent.length > 0);
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
    el('span', { class: 'meta' }, `${categoryLabel(entry.summary?.category ?? entry.body?.category)}${occurred ? ` · happened ${timeLabel(occurred)}` : ''}`),
    el('strong', { class: 'state' }, userId === null
      ? 'Written before an update — sign in to send it'
      : `Written before an update — send as ${signedInName()}?`));
  if (userId !== null) {
    item.append(el('div', { class: 'entry-actions' },
      el('button', { type: 'button', class: 'claim', onclick: () => claimEntry(entry) }, `Send as ${signedInName()}`),
      el('button', { type: 'button', class: 'delete', onclick: () => deleteEntry(entry) }, 'Delete')));
  }
  return item;
}

function entryItem(entry) {
  if (needsClaim(entry)) return unclaimedItem(entry);
  const label = STATE_LABELS[entry.state];
  const item = el('li', { class: `outbox-entry state-${entry.state}`, 'data-state': entry.state },
    el('span', { class: 'meta' }, `${categoryLabel(entry.summary?.category)} · queued ${timeLabel(entry.created_at)}`),
    el('strong', { class: 'state' }, entry.state === SENT && entry.server_id != null ? `${label} · NM-${entry.server_id}` : label));
  if (entry.state === WAITING && entry.last_error?.retry) {
    const when = entry.last_error.until ? ` at ${clockLabel(entry.last_error.until)}` : '';
    item.append(el('span', { class: 'meta' }, `${entry.last_error.message}; trying again by itself${when}.`));
  }
  if (entry.state === ATTENTION) {
    const errors = Object.values(entry.last_error?.errors || {}).flat();
    item.append(el('p', { class: 'field-error' }, [entry.last_error?.message, ...errors].filter(Boolean).join(' ')));
    item.append(el('div', { class: 'entry-actions' },
      el('button', { type: 'button', class: 'fix', onclick: () => fixEntry(entry) }, 'Fix and send'),
      el('button', { type: 'button', class: 'delete', onclick: () => deleteEntry(entry) }, 'Delete')));
  }
  return item;
}

function fixEntry(entry) {
  if (document.getElementById('report-form')) {
    document.dispatchEvent(new CustomEvent('outbox-fix', { detail: entry }));
  } else {
    window.location.href = `/report#fix-${entry.seq}`;
  }
}

async function claimEntry(entry) {
  // eslint-disable-next-line no-alert
  if (!window.confirm(`Send this report as ${signedInName()}? Only if you wrote it: it goes in under your name.`)) return;
  const db = await openOutbox();
  try {
    await claim(db, entry.seq, userId);
  } finally {
    db.close();
  }
  await refreshStatus();
  // A delivery already under way read the outbox before the claim: send once more after it.
  if (syncing) await syncing;
  await sync();
}

async function deleteEntry(entry) {
  // eslint-disable-next-line no-alert
  if (!window.confirm('Delete this report from the phone? It has not been sent.')) return;
  const db = await openOutbox();
  try {
    await discard(db, entry.seq);
  } finally {
    db.close();
  }
  await refreshStatus();
}

let storageChecked = false;
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
  if (free < 20 * 1024 * 1024) messages.push('This phone is nearly out of storage space for the app.');
  if (!persisted) messages.push('This browser may clear waiting reports if space runs short: send them as soon as you have signal, or install the app.');
  warning.hidden = messages.length === 0;
  warning.textContent = messages.join(' ');
}

let syncing = null;
/** Deliver now (one run at a time in this page; Web Locks across tabs and the worker). */
export async function sync() {
  if (userId === null) {
    await refreshStatus();
    return null;
  }
  if (syncing) return syncing;
  syncing = (async () => {
    try {
      lastSummary = await syncOutbox();
      if (lastSummary?.busy) setTimeout(sync, 1500);
      return lastSummary;
    } finally {
      syncing = null;
      await refreshStatus();
      await scheduleRetry();
    }
  })();
  return syncing;
}

let retryTimer = null;
/** Wake up when the earliest backed-off entry is due, rather than waiting for the next tick. */
async function scheduleRetry() {
  const { entries } = await readOutbox();
  const due = entries.filter((e) => e.state === WAITING && e.next_attempt_at > Date.now());
  if (retryTimer || due.length === 0 || userId === null) return;
  const wait = Math.min(...due.map((e) => e.next_attempt_at)) - Date.now() + 250;
  retryTimer = setTimeout(() => { retryTimer = null; if (navigator.onLine) sync(); }, wait);
}

export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync here: the page's own triggers deliver instead.
  }
}

async function sendNow() {
  const db = await openOutbox();
  try {
    await makeDueNow(db);
  } finally {
    db.close();
  }
  await sync();
}

/**
 * Menus (account, "More") close like menus: on a click elsewhere, on Escape (focus back on the
 * menu's button), and when the keyboard moves focus out of them.
 */
function closeMenusOutside() {
  const menus = [...document.querySelectorAll('details[data-menu]')];
  document.addEventListener('click', (event) => {
    for (const menu of menus) if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    for (const menu of menus) {
      if (!menu.open) continue;
      menu.open = false;
      menu.querySelector('summary').focus();
    }
  });
  for (const menu of menus) {
    // Only when focus lands somewhere else (Tab): a tap on a button inside may blur with no target.
    menu.addEventListener('focusout', (event) => {
      if (event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
    });
  }
}

let layoutNav = () => {};

/**
 * Keep the main links on one row: the ones that do not fit move, in order, into "More".
 * Without this script the row scrolls sideways instead.
 */
function fitNav() {
  const nav = document.querySelector('[data-fit-nav]');
  if (!nav) return;
  const more = nav.querySelector('[data-nav-more]');
  const panel = more.querySelector('.menu-panel');
  const links = [...nav.querySelectorAll(':scope > a')];
  layoutNav = () => {
    more.open = false;
    for (const link of links) nav.insertBefore(link, more);
    more.hidden = true;
    if (nav.scrollWidth > nav.clientWidth) {
      more.hidden = false;
      for (let i = links.length - 1; i > 0 && nav.scrollWidth > nav.clientWidth; i -= 1) {
        panel.prepend(links[i]);
      }
    }
    // The page you are on may be one of them: then "More" shows it is where you are.
    more.classList.toggle('holds-current', Boolean(panel.querySelector('[aria-current=page]')));
  };
  nav.classList.add('fitted');
  layoutNav();
  // Only a change of width matters (a phone's address bar hiding changes the height alone).
  let width = window.innerWidth;
  let pending = false;
  window.addEventListener('resize', () => {
    if (pending || window.innerWidth === width) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      width = window.innerWidth;
      layoutNav();
    });
  });
}

function guardSignOut() {
  for (const form of document.querySelectorAll('form[data-signout]')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const { entries } = await readOutbox();
      const unsent = entries.filter((e) => e.state !== SENT).length;
      if (unsent > 0 && form.dataset.confirmed !== 'yes') {
        form.dataset.confirmed = 'yes';
        // The menu holding the button would cover the warning: close it, and offer the button again.
        const menu = form.closest('details');
        if (menu) menu.open = false;
        const warning = document.getElementById('signout-warning');
        warning.hidden = false;
        warning.replaceChildren(
          `${unsent} report${unsent === 1 ? ' is' : 's are'} still waiting on this phone. They stay here and are sent when you sign in again. `,
          el('button', { type: 'button', class: 'link', onclick: () => form.requestSubmit() }, 'Sign out anyway'),
        );
        warning.tabIndex = -1;
        warning.focus();
        warning.scrollIntoView({ block: 'center' });
        return;
      }
      await clearUserCaches();
      form.submit();
    });
  }
}

/** Sign-out on a shared device: cached pages go; the outbox stays until it is delivered. */
export async function clearUserCaches() {
  if (!('caches' in window)) return;
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith('nearmiss-pages-')).map((n) => caches.delete(n)));
  navigator.serviceWorker?.controller?.postMessage({ type: 'CLEAR_USER_DATA' });
}

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  const registration = await navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' });
  const offer = (worker) => {
    if (!hadController && !navigator.serviceWorker.controller) return;
    if (formIsDirty()) {
      const banner = document.getElementById('update-banner');
      if (banner) banner.hidden = false;
      document.addEventListener('report-saved', () => worker.postMessage({ type: 'SKIP_WAITING' }), { once: true });
    } else {
      worker.postMessage({ type: 'SKIP_WAITING' });
    }
  };
  if (registration.waiting) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') offer(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Reload once into the new version, and never over a half-typed report.
    if (!hadController || reloading || formIsDirty()) return;
    reloading = true;
    window.location.reload();
  });
  if (userId !== null && sessionStorage.getItem('nearmiss-pages-cached') !== String(userId)) {
    const ready = await navigator.serviceWorker.ready;
    ready.active?.postMessage({ type: 'CACHE_PAGES' });
    sessionStorage.setItem('nearmiss-pages-cached', String(userId));
  }
}

function start() {
  guardSignOut();
  fitNav();
  closeMenusOutside();
  document.querySelectorAll('[data-outbox-send]').forEach((button) => button.addEventListener('click', sendNow));
  if (typeof BroadcastChannel !== 'undefined') {
    new BroadcastChannel(CHANNEL_NAME).onmessage = () => refreshStatus();
  }
  window.addEventListener('online', () => sync());
  window.addEventListener('offline', () => refreshStatus());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') sync();
  });
  setInterval(() => { if (navigator.onLine) sync(); }, PERIODIC_SYNC_MS);
  registerServiceWorker().catch(() => {});
  sync();
}

start();
