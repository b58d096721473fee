import { optional } from './api.js';
import { h, replace, unavailable, scrollBox } from './dom.js';

const percent = value => new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 2 }).format(value);

/** Per channel and month: orders, cancellations caused by oversells and the rate against the channel's line. */
export async function standingView(container) {
  const answer = await optional('/api/standing');
  if (!answer) {
    replace(container, h('h2', {}, 'Cancellation rate'), unavailable('The cancellation rate'));
    return;
  }
  replace(container,
    h('h2', {}, 'Cancellation rate'),
    h('p', {}, 'Orders each channel sent this month, and the orders cancelled because the last unit sold twice. Some channels hold sellers to a line; at half of it FuncSync warns you and suggests cancelling elsewhere.'),
    answer.months.length === 0 ? h('p', {}, 'No orders yet.') : scrollBox(h('table', { id: 'standing' },
      h('thead', {}, h('tr', {}, ['Month', 'Channel', 'Orders', 'Cancelled after an oversell', 'Rate', 'Line', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, answer.months.map(m => h('tr', { dataset: { channel: m.channel, month: m.month } },
        h('td', {}, m.month), h('th', { scope: 'row' }, m.channel), h('td', { class: 'num' }, m.orders), h('td', { class: 'num' }, m.cancellations),
        h('td', { class: 'num' }, percent(m.rate)), h('td', { class: 'num' }, m.threshold === null ? 'none' : percent(m.threshold)),
        h('td', {}, m.nearLine ? h('strong', { class: 'error' }, 'near the line') : '')))))));
}
