// A table wider than the screen scrolls inside its own box (.table-scroll). While it does, the box
// is a named region in the tab order, so a keyboard can scroll it too (WCAG 2.1.1); when it fits,
// it is neither.

import { t } from './i18n.js';

const taken = new Map(); // each region's name is unique on the page: "… (2)" for a second one

function nameOf(box) {
  const parts = [
    box.closest('section, main')?.querySelector('h2, h3'),
    box.closest('details')?.querySelector('summary'),
    box.querySelector('caption'),
  ].filter(Boolean).map((node) => node.textContent.trim());
  const name = [...new Set(parts)].join(': ') || t('Table');
  const count = (taken.get(name) || 0) + 1;
  taken.set(name, count);
  return count > 1 ? `${name} (${count})` : name;
}

function mark(box) {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  if (scrolls && !box.hasAttribute('tabindex')) {
    box.setAttribute('tabindex', '0');
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', t('%(name)s (scrolls sideways)', { name: nameOf(box) }));
  } else if (!scrolls && box.getAttribute('role') === 'region') {
    box.removeAttribute('tabindex');
    box.removeAttribute('role');
    box.removeAttribute('aria-label');
  }
}

/** Keeps every .table-scroll marked as its width changes (screen turned, details opened). */
export function markScrollRegions() {
  const boxes = document.querySelectorAll('.table-scroll');
  const observer = new ResizeObserver((entries) => entries.forEach((entry) => mark(entry.target)));
  boxes.forEach((box) => {
    mark(box);
    observer.observe(box);
  });
}
