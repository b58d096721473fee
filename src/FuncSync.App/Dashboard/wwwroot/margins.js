import { optional, ApiError } from './api.js';
import { h, replace, unavailable, scrollBox, money } from './dom.js';
import { download } from './download.js';

const figures = [
  ['feesNotRefundedPercent', 'Fees you do not get back on a refund, % of the order', '0.1'],
  ['supportMinutes', 'Minutes spent on each oversold order', '1'],
  ['supportHourlyRate', 'What an hour of your time is worth', '0.01'],
  ['reputationCost', 'Reputation cost per cancelled order', '0.01'],
];

const percent = value => value === null ? '—' : `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(value)} %`;

/** Cost and margin per product and month: what the channels' buyers paid, what came back, the cost of goods from the
 * SKU map's unit costs and what oversells cost, with the oversell figures the seller can change and a CSV export. */
export async function marginsView(container, query = '') {
  const answer = await optional(`/api/margins${query}`);
  if (!answer) {
    replace(container, h('h2', {}, 'Cost and margin'), unavailable('The margin report'));
    return;
  }
  const costs = answer.oversellCosts;
  const error = h('p', { class: 'error', role: 'alert', id: 'margins-error' });
  const form = h('form', { id: 'margins-form', class: 'action' },
    h('p', { class: 'muted' }, 'What one oversold order costs beyond its refund, as the oversell calculator reckons it. Materials count only for made-to-order pieces, whose materials may be spent before you cancel.'),
    figures.map(([name, label, step]) => [h('label', { for: `margins-${name}` }, label), h('input', { id: `margins-${name}`, name, type: 'number', min: 0, step, value: costs[name], required: true })]),
    h('label', { for: 'margins-months' }, 'Months to show'),
    h('input', { id: 'margins-months', name: 'months', type: 'number', min: 1, max: 120, step: 1, value: answer.months, required: true }),
    h('button', { type: 'submit' }, 'Update'), error);
  const currentQuery = () => '?' + new URLSearchParams(new FormData(form)).toString();
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      await marginsView(container, currentQuery());
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : String(e);
    }
  });
  const rows = answer.rows;
  const unpriced = rows.filter(r => r.currency === null).reduce((n, r) => n + r.unitsSold, 0);
  const uncosted = rows.filter(r => r.unitCost === null).length;
  replace(container,
    h('h2', {}, 'Cost and margin'),
    h('p', {}, 'Per product and month: the units the channels sold, what their buyers paid (before tax and shipping), what cancellations and returns gave back, the cost of goods from each SKU\'s unit cost (a bundle\'s parts add up), and what oversells cost. Margin is net revenue less the cost of goods and the oversells. Months are UTC; amounts are in the currency the orders were paid in.'),
    rows.length === 0 ? h('p', {}, 'No orders yet.') : scrollBox(h('table', { id: 'margins' },
      h('thead', {}, h('tr', {}, ['Product', 'Month', 'Sold', 'Back', 'Net revenue', 'Cost of goods', 'Oversold', 'Oversell cost', 'Margin', 'Margin %']
        .map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map(r => h('tr', { dataset: { sku: r.sku, month: r.month } },
        h('th', { scope: 'row' }, h('a', { href: `#/sku/${encodeURIComponent(r.sku)}` }, r.sku), r.title ? h('span', { class: 'muted' }, ` ${r.title}`) : ''),
        h('td', {}, r.month),
        h('td', { class: 'num' }, r.unitsSold),
        h('td', { class: 'num' }, r.unitsBack),
        h('td', { class: 'num revenue' }, r.currency === null ? 'no price' : money(r.netRevenue, r.currency)),
        h('td', { class: 'num cogs' }, r.costOfGoods === null ? 'no unit cost' : money(r.costOfGoods, r.currency ?? undefined)),
        h('td', { class: 'num' }, r.oversold),
        h('td', { class: 'num oversell-cost' }, money(r.oversellLoss, r.currency ?? undefined)),
        h('td', { class: 'num margin' }, r.margin === null ? '—' : money(r.margin, r.currency)),
        h('td', { class: 'num' }, percent(r.marginPercent))))))),
    unpriced > 0 ? h('p', { class: 'muted' }, `${unpriced} units were sold on orders the channel sent without a price: their revenue and margin are not known.`) : '',
    uncosted > 0 ? h('p', { class: 'muted', id: 'margins-uncosted' }, `${uncosted} rows have no unit cost: set unit_cost on the Mappings page (a bundle needs a cost for every part).`) : '',
    form,
    h('div', { class: 'toolbar' }, download(() => `/api/margins.csv${currentQuery()}`, 'margins.csv', 'Export margins (CSV)')));
}
