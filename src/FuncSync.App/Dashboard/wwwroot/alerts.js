import { api, optional, ApiError } from './api.js';
import { h, replace, when, notify, unavailable } from './dom.js';

const order = { open: 0, acknowledged: 1, resolved: 2 };

/** Alerts, open ones first, each with a link to its SKU and a button to acknowledge it. */
export async function alertsView(container, status = 'all') {
  const answer = await optional(`/api/alerts?status=${encodeURIComponent(status)}`);
  const filter = h('select', { id: 'alerts-status', onchange: e => alertsView(container, e.target.value) },
    ['all', 'open', 'acknowledged', 'resolved'].map(s => h('option', { value: s, selected: s === status }, s)));
  if (!answer) {
    replace(container, h('h2', {}, 'Alerts'), unavailable('The alerts list'));
    return;
  }
  const alerts = answer.alerts.slice().sort((a, b) =>
    (order[a.status] ?? 3) - (order[b.status] ?? 3) || new Date(b.lastRaisedAt) - new Date(a.lastRaisedAt));
  const acknowledge = alert => async event => {
    event.target.disabled = true;
    try {
      await api(`/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { method: 'POST' });
      notify(`Acknowledged: ${alert.message}`);
      await alertsView(container, status);
      document.getElementById('alerts-status')?.focus();
    } catch (error) {
      event.target.disabled = false;
      notify(error instanceof ApiError ? error.message : String(error), true);
    }
  };
  replace(container,
    h('h2', {}, 'Alerts'),
    h('div', { class: 'filters' }, h('label', { for: 'alerts-status' }, 'Show'), filter),
    h('p', {}, `${alerts.filter(a => a.status === 'open').length} open of ${alerts.length}.`),
    alerts.length === 0 ? h('p', {}, 'Nothing to look at.') : h('ul', { class: 'alerts', id: 'alerts' }, alerts.map(alert =>
      h('li', { class: `alert alert-${alert.status}`, dataset: { id: alert.id, status: alert.status } },
        h('p', {}, h('strong', {}, alert.kind), ' · ', h('span', { class: 'alert-status' }, alert.status),
          alert.count > 1 ? ` · ${alert.count} times` : '',
          alert.sku ? [' · ', h('a', { href: `#/sku/${encodeURIComponent(alert.sku)}` }, alert.sku)] : ''),
        h('p', {}, alert.message),
        h('p', { class: 'muted' }, `First ${when(alert.firstRaisedAt)}, last ${when(alert.lastRaisedAt)}`,
          alert.acknowledgedAt ? `, acknowledged ${when(alert.acknowledgedAt)}` : '', alert.resolvedAt ? `, resolved ${when(alert.resolvedAt)}` : ''),
        alert.status === 'open' ? h('button', { type: 'button', onclick: acknowledge(alert), 'aria-label': `Acknowledge: ${alert.message}` }, 'Acknowledge') : null))));
}
