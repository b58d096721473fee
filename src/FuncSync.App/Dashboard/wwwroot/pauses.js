import { api, optional, ApiError } from './api.js';
import { h, replace, when, notify, unavailable, scrollBox } from './dom.js';

const whoKey = 'funcsync.pausedBy';

/** Pauses: take SKUs (a list, a prefix, a tag or the whole shop) off chosen channels until resumed, saying who and why.
 * The channel names come from the API. */
export async function pausesView(container) {
  const answer = await optional('/api/pauses');
  if (!answer) {
    replace(container, h('h2', {}, 'Pauses'), unavailable('Pausing'));
    return;
  }
  const error = h('p', { class: 'error', role: 'alert', id: 'pause-error' });
  const by = localStorage.getItem(whoKey) ?? '';
  const form = h('form', { id: 'pause-form', class: 'action' },
    h('label', { for: 'pause-skus' }, 'SKUs (space or comma separated; empty with no prefix and no tag: the whole shop)'), h('input', { id: 'pause-skus', name: 'skus' }),
    h('label', { for: 'pause-prefix' }, 'or every SKU starting with'), h('input', { id: 'pause-prefix', name: 'skuPrefix' }),
    h('label', { for: 'pause-tag' }, 'or every SKU tagged'), h('input', { id: 'pause-tag', name: 'tag', maxlength: 50 }),
    h('fieldset', {}, h('legend', {}, 'Pause on'),
      answer.channels.map(c => h('span', { class: 'check' },
        h('input', { id: `pause-channel-${c}`, type: 'checkbox', name: 'channels', value: c }), h('label', { for: `pause-channel-${c}` }, c)))),
    h('label', { for: 'pause-reason' }, 'Why (e.g. holiday, market day)'), h('input', { id: 'pause-reason', name: 'reason', required: true, maxlength: 500 }),
    h('label', { for: 'pause-by' }, 'Your name'), h('input', { id: 'pause-by', name: 'by', required: true, maxlength: 100, value: by }),
    h('button', { type: 'submit' }, 'Pause'), error);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const f = new FormData(form);
    const skus = String(f.get('skus') ?? '').split(/[\s,]+/).filter(Boolean);
    localStorage.setItem(whoKey, String(f.get('by')));
    try {
      const pause = await api('/api/pauses', { method: 'POST', json: { skus, skuPrefix: f.get('skuPrefix') || null, tag: f.get('tag') || null, channels: f.getAll('channels'), reason: f.get('reason'), by: f.get('by') } });
      notify(`Paused ${scope(pause)} on ${pause.channels.join(', ')}: those channels show 0 until you resume.`);
      await pausesView(container);
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : String(e);
    }
  });
  const resume = pause => async event => {
    event.target.disabled = true;
    try {
      await api(`/api/pauses/${encodeURIComponent(pause.id)}/resume`, { method: 'POST', json: { by: localStorage.getItem(whoKey) || 'dashboard', reason: 'resumed from the dashboard' } });
      notify(`Resumed ${scope(pause)} on ${pause.channels.join(', ')}: they show what the allocation gives them again.`);
      await pausesView(container);
    } catch (e) {
      event.target.disabled = false;
      notify(e instanceof ApiError ? e.message : String(e), true);
    }
  };
  replace(container,
    h('h2', {}, 'Pauses'),
    h('p', {}, 'A paused SKU shows 0 on the chosen channels until you resume it; its units stay available on the others. Resuming gives each channel exactly what the allocation says.'),
    answer.pauses.length === 0 ? h('p', {}, 'Nothing is paused.') : scrollBox(h('table', { id: 'pauses' },
      h('thead', {}, h('tr', {}, ['What', 'Channels', 'Why', 'By', 'Since', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, answer.pauses.map(p => h('tr', { dataset: { id: p.id } },
        h('th', { scope: 'row' }, scope(p)), h('td', {}, p.channels.join(', ')), h('td', {}, p.reason), h('td', {}, p.by), h('td', {}, when(p.at)),
        h('td', {}, h('button', { type: 'button', onclick: resume(p), 'aria-label': `Resume ${scope(p)} on ${p.channels.join(', ')}` }, 'Resume'))))))),
    h('h3', {}, 'Pause'),
    form,
    h('h3', {}, 'History'),
    answer.history.length === 0 ? h('p', {}, 'No pauses yet.') : scrollBox(h('table', { id: 'pause-history' },
      h('thead', {}, h('tr', {}, ['When', 'What happened', 'Channels', 'By', 'Why'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, answer.history.map(e => h('tr', {},
        h('td', {}, when(e.pause.at)), h('td', {}, `${e.event} ${scope(e.pause)}`), h('td', {}, e.pause.channels.join(', ')), h('td', {}, e.pause.by), h('td', {}, e.pause.reason)))))));
}

function scope(pause) {
  const parts = [];
  if (pause.skus.length) parts.push(pause.skus.join(' '));
  if (pause.skuPrefix) parts.push(`every SKU starting ${pause.skuPrefix}`);
  if (pause.tag) parts.push(`every SKU tagged ${pause.tag}`);
  return parts.length ? parts.join(' and ') : 'the whole shop';
}
