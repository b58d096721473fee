import { api, ApiError } from './api.js';
import { h, replace, money, settings, scrollBox } from './dom.js';

const numbers = [
  ['averageOrderValue', 'Average order value', 45, '0.01'],
  ['materialCost', 'Material cost per unit (already spent when you refund)', 4, '0.01'],
  ['supportMinutes', 'Minutes spent on each oversold order', 15, '1'],
  ['supportHourlyRate', 'What an hour of your time is worth', 30, '0.01'],
  ['feesNotRefundedPercent', 'Fees you do not get back on a refund, % of the order', 4, '0.1'],
  ['reputationCost', 'Reputation cost per cancelled order (reviews, Star Seller)', 15, '0.01'],
  ['syncIntervalMinutes', 'Your current tool syncs every … minutes', 15, '0.1'],
  ['dropsPerYear', 'Launches or busy days a year', 12, '1'],
  ['itemsPerDrop', 'Items in a launch', 50, '1'],
  ['unitsPerItem', 'Units of each item', 1, '1'],
  ['buyersPerDrop', 'Buyers in a launch', 300, '1'],
];

/** The oversell cost calculator: the seller's figures through the flash-sale simulator. */
export async function calculatorView(container) {
  const { channels } = await api('/api/oversell-cost');
  const result = h('div', { id: 'calculator-result', 'aria-live': 'polite' });
  const form = h('form', { id: 'calculator-form', class: 'action' },
    h('p', { class: 'muted' }, 'Your figures run through FuncSync\'s flash-sale simulator: the same simulated buyers meet your current tool, FuncSync, and FuncSync holding the last units back.'),
    numbers.map(([name, label, value, step]) => [h('label', { for: `calc-${name}` }, label), h('input', { id: `calc-${name}`, name, type: 'number', min: 0, step, value, required: true })]),
    h('fieldset', {}, h('legend', {}, 'Channels you sell on'),
      channels.map(c => h('span', { class: 'check' }, h('input', { id: `calc-${c.name}`, type: 'checkbox', name: 'channels', value: c.name, checked: c.selected }), h('label', { for: `calc-${c.name}` }, c.name)))),
    h('button', { type: 'submit' }, 'Estimate'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const data = new FormData(form);
    const question = Object.fromEntries(numbers.map(([name]) => [name, Number(data.get(name))]));
    question.channels = data.getAll('channels');
    for (const whole of ['dropsPerYear', 'itemsPerDrop', 'unitsPerItem', 'buyersPerDrop']) question[whole] = Math.round(question[whole]);
    replace(result, h('p', { class: 'muted' }, 'Simulating…'));
    try {
      const estimate = await api('/api/oversell-cost', { method: 'POST', json: question });
      const rows = [estimate.current, estimate.funcSync, estimate.funcSyncProtected];
      replace(result,
        h('p', {}, `One oversold order costs you about ${money(estimate.costPerOversoldUnit)}: the refund's lost fees, the materials already spent, your time and the reputation cost you entered.`),
        h('p', { id: 'calculator-buyers' }, `You said ${question.buyersPerDrop} buyers a launch; this simulation drew ${estimate.buyersPerDrop}. `
          + 'Real buyers do not arrive on a schedule: the simulator draws them at random around your figure (the same seeded draw for every setup, so the setups are compared on the same crowd), and one draw lands above or below it.'),
        scrollBox(h('table', { id: 'calculator-table' },
          h('thead', {}, h('tr', {}, ['Setup', 'Oversold per launch', 'Oversold a year', 'Oversell cost a year', 'Sales turned away a year', 'Their value'].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows.map(r => h('tr', {}, h('th', { scope: 'row' }, r.policy), h('td', { class: 'num' }, r.oversoldPerDrop), h('td', { class: 'num' }, r.oversoldPerYear),
            h('td', { class: 'num' }, money(r.yearlyCost)), h('td', { class: 'num' }, r.lostSalesPerYear), h('td', { class: 'num' }, money(r.lostRevenuePerYear))))))),
        h('p', {}, `FuncSync would save about ${money(estimate.current.yearlyCost - estimate.funcSync.yearlyCost)} a year in oversells; holding the last units back saves ${money(estimate.current.yearlyCost - estimate.funcSyncProtected.yearlyCost)} but turns some buyers away.`));
    } catch (error) {
      replace(result, h('p', { class: 'error', role: 'alert' }, error instanceof ApiError ? error.message : String(error)));
    }
  });
  replace(container, h('h2', {}, 'Oversell cost'),
    h('p', { class: 'muted' }, `Amounts in ${settings().currency}; change the currency on the `, h('a', { href: '#/settings' }, 'Settings'), ' page.'), form, result);
}
