import { api, optional, ApiError } from './api.js';
import { h, replace, when, notify, unavailable } from './dom.js';

const order = { open: 0, acknowledged: 1, resolved: 2 };

// Alert kinds in the seller's words (kinds are FuncSync's, not any channel's).
const kindLabels = {
  Oversell: 'Oversold', LowStock: 'Low stock', UnmappedListing: 'Listing not mapped', MissingListing: 'Listing gone',
  PushFailed: 'Channel not updated', Discrepancy: 'Channel shows a different quantity', LagBreach: 'Sales arrive late',
  PoisonMessage: 'Message failed', RefundReview: 'Refund to review', CancellationRate: 'Cancellation rate near the line',
  CancellationRequested: 'Buyer asked to cancel',
  ChannelLimit: 'Channel limit reached',
  WebhookStopped: 'Webhooks stopped',
};
export const kindLabel = kind => kindLabels[kind] ?? kind;

/** Alerts, open ones first: what happened, on which channel, and the next step; an oversell with its orders,
 * the one to cancel and a message for that buyer. */
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
      window.dispatchEvent(new Event('funcsync:alerts-changed'));
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
      h('li', { class: `alert alert-${alert.status}`, dataset: { id: alert.id, status: alert.status, kind: alert.kind } },
        h('p', {}, h('strong', {}, kindLabel(alert.kind)), alert.channel ? [' · ', h('span', { class: 'alert-channel' }, alert.channel)] : '',
          ' · ', h('span', { class: 'alert-status' }, alert.status),
          alert.count > 1 ? ` · ${alert.count} times` : '',
          alert.sku ? [' · ', h('a', { href: `#/sku/${encodeURIComponent(alert.sku)}` }, alert.sku)] : ''),
        h('p', { class: 'alert-message' }, alert.message),
        alert.nextStep ? h('p', { class: 'next-step' }, h('strong', {}, 'Next step: '), alert.nextStep) : null,
        alert.oversell ? oversellAdvice(alert) : null,
        h('p', { class: 'muted' }, `First ${when(alert.firstRaisedAt)}, last ${when(alert.lastRaisedAt)}`,
          alert.acknowledgedAt ? `, acknowledged ${when(alert.acknowledgedAt)}` : '', alert.resolvedAt ? `, resolved ${when(alert.resolvedAt)}` : ''),
        alert.status === 'open' ? h('button', { type: 'button', onclick: acknowledge(alert), 'aria-label': `Acknowledge: ${alert.message}` }, 'Acknowledge') : null))));
}

function oversellAdvice(alert) {
  const advice = alert.oversell;
  const cancel = new Set(advice.cancel.map(o => `${o.channel}\n${o.reference}`));
  const orders = [advice.oversold, ...advice.competing].sort((a, b) => new Date(a.placedAt) - new Date(b.placedAt));
  const messageId = `buyer-message-${alert.id}`;
  const copy = async event => {
    try {
      await navigator.clipboard.writeText(advice.buyerMessage);
      notify('Message copied: paste it into your reply to the buyer.');
    } catch {
      document.getElementById(messageId)?.select();
      notify('Select the message and copy it into your reply to the buyer.');
    }
    event.target.focus();
  };
  return h('div', { class: 'oversell' },
    h('table', { class: 'oversell-orders' },
      h('caption', {}, `Orders competing for ${alert.sku}`),
      h('thead', {}, h('tr', {}, ['Order', 'Channel', 'Units', 'Placed', 'Suggested'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, orders.map(o => {
        const cancelIt = cancel.has(`${o.channel}\n${o.reference}`);
        return h('tr', { class: cancelIt ? 'cancel' : '', dataset: { reference: o.reference } },
          h('th', { scope: 'row' }, o.reference), h('td', {}, o.channel), h('td', { class: 'num' }, o.units), h('td', {}, when(o.placedAt)),
          h('td', {}, cancelIt ? h('strong', {}, 'Cancel') : 'Ship'));
      }))),
    h('p', { class: 'why' }, `Why: ${advice.why}`),
    h('label', { for: messageId }, `Message for the buyer of ${advice.cancel[0].reference}`),
    h('textarea', { id: messageId, class: 'buyer-message', rows: 4, readonly: true }, advice.buyerMessage),
    h('button', { type: 'button', onclick: copy }, 'Copy message'));
}
