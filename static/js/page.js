// What every page script shares: who is signed in, whether a report is half-typed, and a small
// element builder. No framework.

export const userId = document.body.dataset.userId ? Number(document.body.dataset.userId) : null;

/** A report form with unsaved typing in it (report-form.js keeps `data-dirty` on the body). */
export function formIsDirty() {
  return document.body.dataset.dirty === 'yes';
}

/** `el('button', { class: 'link', onclick: fn }, 'Text')`: attributes, `on*` listeners, children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}
