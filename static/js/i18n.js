// The page scripts' words in the person's language. The server writes them into every page
// (base.html, <script type="application/json" id="page-strings">: English -> translation, empty in
// English), so a page the service worker kept shows its own language with no signal too.
// The English text is the key, as in the server's gettext catalogue (app/pwa/page_strings.py).

let table = null;

function strings() {
  if (table === null) {
    const node = globalThis.document?.getElementById('page-strings');
    try {
      table = node ? JSON.parse(node.textContent) : {};
    } catch {
      table = {};
    }
  }
  return table;
}

/** `english` in the page's language, with `%(name)s` replaced from `values`. */
export function t(english, values = {}) {
  const text = strings()[english] ?? english;
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** `one` or `other` by `count` (given to the text as `%(num)s`). */
export function tn(one, other, count, values = {}) {
  return t(count === 1 ? one : other, { num: count, ...values });
}

/** Marks a text for the catalogue where another script shows it (through `t` or `reason`). */
function N_(english) {
  return english;
}

// Why the outbox is still holding a report, as the worker records it (service_worker/outbox.js, on
// the phone in English): the fixed reasons, and the two that carry a status code.
export const OUTBOX_REASONS = [
  N_('No connection'),
  N_('The server is busy'),
  N_('The server asked to wait a little'),
  N_('The network answered instead of the server, perhaps a Wi-Fi sign-in page'),
  N_('The server did not confirm this report'),
];
const RETRY_REASONS = [
  [/^Server error (\d+)$/, N_('Server error %(status)s')],
  [/^The server refused this report \((\d+)\)\.$/, N_('The server refused this report (%(status)s).')],
];

/** An outbox reason (English, as stored on the phone) in the page's language. */
export function reason(message) {
  for (const [pattern, english] of RETRY_REASONS) {
    const match = pattern.exec(message || '');
    if (match) return t(english, { status: match[1] });
  }
  return message ? t(message) : '';
}

/** The page's language for dates and times ("es", "en"), as the server wrote it on <html lang>. */
export function pageLocale() {
  return globalThis.document?.documentElement.lang || undefined;
}
