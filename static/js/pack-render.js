// A pack being drawn: its page asks again every 3 s and shows the answer in place, with no page reload
// (a timed reload throws a screen reader back to the top, WCAG 2.2.1); it stops once the pack is
// ready or has failed.

const WAIT_MS = 3000;

async function check() {
  try {
    const response = await fetch(window.location.href, { headers: { Accept: 'text/html' } });
    const next = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('main');
    if (response.ok && next && !next.querySelector('#render-waiting')) {
      document.querySelector('main').replaceChildren(...next.childNodes);
      return;
    }
  } catch {
    // No answer this time (no signal): ask again.
  }
  setTimeout(check, WAIT_MS);
}

if (document.getElementById('render-waiting')) setTimeout(check, WAIT_MS);
