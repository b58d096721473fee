import { api, optional, ApiError } from './api.js';
import { h, replace, badge, when, duration, notify, unavailable, scrollBox } from './dom.js';
import { stepChart } from './chart.js';

const reasons = ['damaged', 'lost', 'found', 'gift', 'sample', 'received', 'correction', 'other'];

/** One SKU: where it stands per channel, its history and chart, forecast, timeline, and the count and adjust forms. */
export async function skuView(container, sku) {
  const path = `/api/skus/${encodeURIComponent(sku)}`;
  const [status, history, forecast, timeline] = await Promise.all([
    api(path), api(`${path}/history?limit=200`), optional(`${path}/forecast`), optional(`${path}/timeline`)]);
  const points = history.entries.slice().reverse().map(e => ({ at: new Date(e.committedAt), value: e.after }));
  const countError = h('p', { class: 'error', role: 'alert', id: 'count-error' });
  const adjustError = h('p', { class: 'error', role: 'alert', id: 'adjust-error' });

  const submit = (form, url, method, body, errorElement) => async event => {
    event.preventDefault();
    errorElement.textContent = '';
    try {
      const answer = await api(url, { method, json: body(new FormData(form)) });
      notify(`${sku}: ${answer.outcome}; on hand ${answer.sku.onHand ?? '—'}, committed ${answer.sku.committed ?? '—'}, available ${answer.sku.available}.`);
      await skuView(container, sku);
    } catch (error) {
      errorElement.textContent = error instanceof ApiError ? error.message : String(error);
    }
  };

  const countForm = h('form', { id: 'count-form', class: 'action' },
    h('h3', {}, 'Count'),
    h('label', { for: 'count-quantity' }, 'Counted on the shelf'), h('input', { id: 'count-quantity', name: 'quantity', type: 'number', min: 0, required: true }),
    h('label', { for: 'count-note' }, 'Reason or note'), h('input', { id: 'count-note', name: 'note', maxlength: 500, required: true }),
    h('button', { type: 'submit' }, 'Set count'), countError);
  countForm.addEventListener('submit', submit(countForm, `${path}/count`, 'PUT', f => ({ quantity: Number(f.get('quantity')), note: f.get('note') }), countError));

  const adjustForm = h('form', { id: 'adjust-form', class: 'action' },
    h('h3', {}, 'Adjust'),
    h('label', { for: 'adjust-delta' }, 'Change (−1 takes one off)'), h('input', { id: 'adjust-delta', name: 'delta', type: 'number', required: true }),
    h('label', { for: 'adjust-reason' }, 'Reason'), h('select', { id: 'adjust-reason', name: 'reason', required: true }, reasons.map(r => h('option', { value: r }, r))),
    h('label', { for: 'adjust-note' }, 'Note'), h('input', { id: 'adjust-note', name: 'note', maxlength: 500 }),
    h('button', { type: 'submit' }, 'Adjust'), adjustError);
  adjustForm.addEventListener('submit', submit(adjustForm, `${path}/adjustments`, 'POST', f => ({ delta: Number(f.get('delta')), reason: f.get('reason'), note: f.get('note') || null }), adjustError));

  replace(container,
    h('p', {}, h('a', { href: '#/' }, '← All SKUs')),
    h('h2', {}, `${status.sku} `, badge(status.state)),
    h('p', {}, status.title),
    h('dl', { class: 'facts' },
      status.onHand !== null && status.onHand !== undefined ? [
        h('dt', {}, 'On hand'), h('dd', { id: 'sku-on-hand' }, status.onHand),
        h('dt', {}, 'Committed (sold, not shipped)'), h('dd', { id: 'sku-committed' }, status.committed)] : null,
      h('dt', {}, 'Available'), h('dd', { id: 'sku-available' }, status.available),
      h('dt', {}, 'Ledger version'), h('dd', {}, status.ledgerVersion),
      h('dt', {}, 'Last change'), h('dd', {}, when(status.updatedAt)),
      status.components.length ? [h('dt', {}, 'Made of'), h('dd', {}, status.components.map(c => `${c.perUnit} × ${c.sku}`).join(', '))] : null,
      forecast ? [
        h('dt', {}, 'Sells per day'), h('dd', { id: 'sku-velocity' }, forecast.velocityPerDay?.toFixed(2) ?? '—'),
        h('dt', {}, 'Days of cover'), h('dd', {}, forecast.daysOfCover?.toFixed(1) ?? '—'),
        h('dt', {}, 'Reorder by'), h('dd', {}, when(forecast.reorderBy))] : null),
    forecast ? null : unavailable('The forecast (velocity, days of cover)'),
    h('h3', {}, 'Channels'),
    scrollBox(h('table', {},
      h('thead', {}, h('tr', {}, ['Channel', 'Listing', 'Shows', 'Target', 'Last push', 'Checked', 'Written', 'Lag', 'State'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, status.channels.map(c => h('tr', {},
        h('th', { scope: 'row' }, c.channel), h('td', {}, c.listing), h('td', { class: 'num' }, c.shown ?? '—'), h('td', { class: 'num' }, c.target ?? '—'),
        h('td', {}, c.status ?? 'never'), h('td', {}, when(c.checkedAt)), h('td', {}, when(c.writtenAt)), h('td', {}, duration(c.lagMs)), h('td', {}, badge(c.state))))))),
    h('div', { class: 'actions' }, status.components.length ? h('p', { class: 'muted' }, 'A composed SKU holds no stock: count or adjust its parts.') : [countForm, adjustForm]),
    h('h3', {}, 'Available over time'),
    stepChart(points, `Available quantity of ${status.sku} over time`),
    h('h3', {}, 'Timeline'),
    timeline ? timelineTable(timeline.entries) : unavailable('The timeline (sale → received → ledger → push → seen)'),
    h('h3', {}, 'History'),
    historyTable(history.entries));
}

function timelineTable(entries) {
  return scrollBox(h('table', { id: 'timeline' },
    h('thead', {}, h('tr', {}, ['When', 'Step', 'Channel', 'Event', 'Status', 'Latency', 'Attempt', 'On hand', 'Committed', 'Available', 'Detail'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, entries.map(e => h('tr', { class: e.error ? 'failed' : '' },
      h('td', {}, when(e.at)), h('td', {}, e.step), h('td', {}, e.channel ?? ''), h('td', {}, e.eventId ?? ''), h('td', {}, e.status ?? ''),
      h('td', {}, duration(e.latencyMs)), h('td', {}, e.attempt ?? ''),
      h('td', { class: 'num' }, e.onHand ?? ''), h('td', { class: 'num' }, e.committed ?? ''), h('td', { class: 'num' }, e.available ?? ''),
      h('td', {}, e.error ? `Error: ${e.error}` : (e.detail ?? '')))))));
}

function historyTable(entries) {
  return scrollBox(h('table', { id: 'history' },
    h('thead', {}, h('tr', {}, ['When', 'What', 'Source', 'Channel', 'Change', 'Available before → after', 'On hand', 'Committed', 'Reason'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, entries.map(e => h('tr', {},
      h('td', {}, when(e.committedAt)), h('td', {}, e.kind), h('td', {}, e.source), h('td', {}, e.channel ?? ''),
      h('td', { class: 'num' }, e.delta > 0 ? `+${e.delta}` : e.delta), h('td', {}, `${e.before} → ${e.after}`),
      h('td', { class: 'num' }, e.onHand ?? '—'), h('td', { class: 'num' }, e.committed ?? '—'), h('td', {}, e.reason ?? e.reference ?? ''))))));
}
