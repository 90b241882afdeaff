// While a DSP types "What happened?" online, suggest the likely category ("Looks like: Medication —
// Use this"). A hint only: it never picks a category by itself, never holds up sending, asks nothing
// while the phone is offline, goes through no outbox, and any failure (no signal, a timeout, an
// error, a limit) just shows nothing. The words go in a POST body, never in a URL.

import { t } from './i18n.js';

export const ENDPOINT = '/api/v1/category-suggestion';
export const MIN_WORDS = 4;
export const DEBOUNCE_MS = 600;
export const TIMEOUT_MS = 2000;

export function wordCount(text) {
  return (String(text ?? '').match(/\S+/g) || []).length;
}

/** Worth a request: online, and enough words for the text to point somewhere. */
export function worthAsking(text, online) {
  return Boolean(online) && wordCount(text) >= MIN_WORDS;
}

/**
 * Asks the server. `suggest(text, signal)` resolves to `{ code, label }` or null (no clear
 * category, or anything going wrong); it never rejects. The CSRF token is fetched once and again
 * after the server refuses it. Both requests share one time limit of `timeoutMs`.
 */
export function createSuggester({ fetchImpl = (...args) => fetch(...args), timeoutMs = TIMEOUT_MS } = {}) {
  let token = null;

  async function freshToken(signal) {
    const response = await fetchImpl('/api/v1/csrf', { credentials: 'same-origin', cache: 'no-store', signal });
    const json = response.ok ? await response.json() : null;
    return typeof json?.csrf_token === 'string' ? json.csrf_token : null;
  }

  return async function suggest(text, signal) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop);
    try {
      token ??= await freshToken(controller.signal);
      if (!token || controller.signal.aborted) return null;
      const response = await fetchImpl(ENDPOINT, {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
        body: JSON.stringify({ text }),
        signal: controller.signal,
      });
      if (response.status === 400) token = null; // a stale token: fetch a new one next time
      if (!response.ok) return null;
      const category = (await response.json())?.category;
      if (typeof category?.code !== 'string' || typeof category?.label !== 'string') return null;
      return { code: category.code, label: category.label };
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
  };
}

/**
 * Wires the hint into the capture form: `slot` is the live region that shows it, inside the
 * category fieldset. `online()` is asked before every request.
 */
export function offerCategorySuggestions(form, {
  slot = document.getElementById('category-suggestion'),
  online = () => navigator.onLine,
  suggest = createSuggester(),
  debounceMs = DEBOUNCE_MS,
} = {}) {
  const field = form?.elements?.what_happened;
  if (!field || !slot) return;
  let timer = null;
  let inFlight = null;

  const radioFor = (code) => [...form.querySelectorAll('input[name=category]')].find((radio) => radio.value === code);
  const chosen = () => form.querySelector('input[name=category]:checked');

  function clear() {
    clearTimeout(timer);
    inFlight?.abort();
    inFlight = null;
    slot.replaceChildren();
  }

  function show(suggestion) {
    const radio = radioFor(suggestion.code);
    if (!radio || chosen()) return;
    const name = document.createElement('strong');
    name.textContent = suggestion.label;
    const use = document.createElement('button');
    use.type = 'button';
    use.className = 'suggestion-use';
    use.textContent = t('Use this');
    use.setAttribute('aria-label', t('Use this: %(category)s', { category: suggestion.label }));
    use.addEventListener('click', () => {
      radio.checked = true;
      radio.dispatchEvent(new Event('change', { bubbles: true }));
      const done = document.createElement('span');
      done.textContent = t('Category set to %(category)s.', { category: suggestion.label });
      slot.replaceChildren(done);
    });
    const words = document.createElement('span');
    words.append(`${t('Looks like:')} `, name);
    slot.replaceChildren(words, ' ', use);
  }

  async function ask() {
    const text = field.value.trim();
    if (chosen() || !worthAsking(text, online())) return;
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const suggestion = await suggest(text, controller.signal);
    if (inFlight !== controller) return; // a newer request, or offline meanwhile
    inFlight = null;
    if (suggestion && field.value.trim() === text && online()) show(suggestion);
    else slot.replaceChildren();
  }

  field.addEventListener('input', () => {
    clear();
    if (chosen() || !worthAsking(field.value, online())) return;
    timer = setTimeout(ask, debounceMs);
  });
  form.addEventListener('change', (event) => {
    if (event.target?.name === 'category' && slot.querySelector('button')) clear();
  });
  form.addEventListener('reset', clear);
  window.addEventListener('offline', clear);
}
