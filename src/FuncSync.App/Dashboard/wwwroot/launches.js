import { api, optional, ApiError } from './api.js';
import { h, replace, when, notify, unavailable, scrollBox } from './dom.js';

/** Scheduled launches: announce a drop (its SKUs are strict while it runs) and cancel one. */
export async function launchesView(container) {
  const answer = await optional('/api/launches');
  if (!answer) {
    replace(container, h('h2', {}, 'Launches'), unavailable('Scheduled launches'));
    return;
  }
  const error = h('p', { class: 'error', role: 'alert', id: 'launch-error' });
  const form = h('form', { id: 'launch-form' },
    h('label', { for: 'launch-name' }, 'Name'), h('input', { id: 'launch-name', name: 'name', required: true, maxlength: 100 }),
    h('label', { for: 'launch-skus' }, 'SKUs (space or comma separated)'), h('input', { id: 'launch-skus', name: 'skus' }),
    h('label', { for: 'launch-prefix' }, 'or every SKU starting with'), h('input', { id: 'launch-prefix', name: 'skuPrefix' }),
    h('label', { for: 'launch-tag' }, 'or every SKU tagged'), h('input', { id: 'launch-tag', name: 'tag' }),
    h('label', { for: 'launch-start' }, 'Starts (your time; empty for now)'), h('input', { id: 'launch-start', name: 'start', type: 'datetime-local' }),
    h('label', { for: 'launch-minutes' }, 'Runs for (minutes)'), h('input', { id: 'launch-minutes', name: 'durationMinutes', type: 'number', min: 1, max: 10080, required: true, value: 60 }),
    h('button', { type: 'submit' }, 'Schedule'), error);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const f = new FormData(form);
    const skus = String(f.get('skus') ?? '').split(/[\s,]+/).filter(Boolean);
    const start = f.get('start') ? new Date(String(f.get('start'))).toISOString() : null;
    try {
      const launch = await api('/api/launches', { method: 'POST', json: { name: f.get('name'), skus, skuPrefix: f.get('skuPrefix') || null, tag: f.get('tag') || null, start, durationMinutes: Number(f.get('durationMinutes')) } });
      notify(`Launch ${launch.name} scheduled: strict from ${when(launch.start)} to ${when(launch.end)}.`);
      await launchesView(container);
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : String(e);
    }
  });
  const cancel = launch => async event => {
    event.target.disabled = true;
    try {
      await api(`/api/launches/${encodeURIComponent(launch.id)}`, { method: 'DELETE' });
      notify(`Launch ${launch.name} cancelled: its SKUs follow the allocation rule again.`);
      await launchesView(container);
    } catch (e) {
      event.target.disabled = false;
      notify(e instanceof ApiError ? e.message : String(e), true);
    }
  };
  replace(container,
    h('h2', {}, 'Launches'),
    h('p', {}, 'While a launch runs, its SKUs are split between channels so no unit can sell twice, whatever their sales so far say. Afterwards they follow the allocation rule again.'),
    answer.launches.length === 0 ? h('p', {}, 'No launch scheduled.') : scrollBox(h('table', { id: 'launches' },
      h('thead', {}, h('tr', {}, ['Name', 'SKUs', 'Starts', 'Ends', 'State', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, answer.launches.map(l => h('tr', { dataset: { id: l.id } },
        h('th', { scope: 'row' }, l.name),
        h('td', {}, [l.skus.join(' '), l.skuPrefix ? `${l.skus.length ? ', ' : ''}starting ${l.skuPrefix}` : '', l.tag ? `${l.skus.length || l.skuPrefix ? ', ' : ''}tagged ${l.tag}` : '']),
        h('td', {}, when(l.start)), h('td', {}, when(l.end)), h('td', {}, l.running ? 'running: strict' : 'scheduled'),
        h('td', {}, h('button', { type: 'button', onclick: cancel(l), 'aria-label': `Cancel launch ${l.name}` }, 'Cancel'))))))),
    h('h3', {}, 'Schedule a launch'),
    form);
}
