// Triage form: show the matrix's proposal as severity and recurrence change, preselect it, and ask
// for a reason only when the chosen level differs; below the floor (high potential or clustered
// reports), ask for a downgrade reason from the list instead. The server checks all of this again.

import { t } from './i18n.js';

const form = document.getElementById('triage-form');
const LABELS = {
  none: t('None (log and learn)'),
  brief_structured_review: t('Brief structured review'),
  barrier_review: t('Barrier review'),
  full_systems_review: t('Full systems review'),
};
const DEPTH = Object.keys(LABELS);

if (form) {
  const matrix = JSON.parse(form.dataset.matrix);
  const levelSelect = form.elements.review_level;
  const proposedText = document.getElementById('proposed-level');
  const overrideBox = document.getElementById('override-box');
  const downgradeBox = document.getElementById('downgrade-box');
  const { floor, proposedRecurrence } = form.dataset;
  let lastProposal = null;

  const update = () => {
    const severity = form.elements.severity.value;
    const recurrence = form.elements.recurrence.value;
    const proposal = severity && recurrence ? matrix[severity]?.[recurrence] : null;
    proposedText.textContent = proposal ? LABELS[proposal] : t('choose severity and recurrence');
    if (proposal && (!levelSelect.value || levelSelect.value === lastProposal)) levelSelect.value = proposal;
    lastProposal = proposal;
    const clustered = recurrence === 'cluster' || proposedRecurrence === 'cluster';
    const minimum = severity === 'high' || clustered ? floor : 'none';
    const below = Boolean(levelSelect.value) && DEPTH.indexOf(levelSelect.value) < DEPTH.indexOf(minimum);
    downgradeBox.hidden = !below;
    overrideBox.hidden = !proposal || levelSelect.value === proposal || below;
  };
  form.addEventListener('change', update);
  update();
}
