import { api, optional, ApiError } from './api.js';
import { h, replace, when, notify, unavailable, scrollBox, money } from './dom.js';
import { download } from './download.js';

const whoKey = 'funcsync.countedBy';
const percent = value => value === null || value === undefined ? '—' : new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 }).format(value);
const signed = n => n > 0 ? `+${n}` : String(n);

/** Cycle counts: start a round (SKUs, a tag or this week's list), see the rounds, the counts awaiting a reason,
 * and shrinkage per month with CSV exports. */
export async function countsView(container) {
  const [rounds, awaiting, shrinkage] = await Promise.all([optional('/api/counts/rounds'), optional('/api/counts?review=true'), optional('/api/counts/shrinkage')]);
  if (!rounds || !awaiting || !shrinkage) {
    replace(container, h('h2', {}, 'Counts'), unavailable('Cycle counting'));
    return;
  }
  const error = h('p', { class: 'error', role: 'alert', id: 'round-error' });
  const form = h('form', { id: 'round-form', class: 'action' },
    h('fieldset', {}, h('legend', {}, 'Count'),
      ['skus', 'tag', 'week'].map((value, i) => h('span', { class: 'check' },
        h('input', { id: `round-source-${value}`, type: 'radio', name: 'source', value, checked: i === 2 }),
        h('label', { for: `round-source-${value}` }, { skus: 'these SKUs', tag: 'every SKU with a tag', week: "this week's list" }[value])))),
    h('label', { for: 'round-skus' }, 'SKUs (space or comma separated)'), h('input', { id: 'round-skus', name: 'skus' }),
    h('label', { for: 'round-tag' }, 'Tag (a shelf, a collection)'), h('input', { id: 'round-tag', name: 'tag', maxlength: 50 }),
    h('label', { for: 'round-by' }, 'Your name'), h('input', { id: 'round-by', name: 'by', required: true, maxlength: 100, value: localStorage.getItem(whoKey) ?? '' }),
    h('button', { type: 'submit' }, 'Start counting'), error);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const f = new FormData(form);
    localStorage.setItem(whoKey, String(f.get('by')));
    const source = f.get('source');
    const json = { by: f.get('by') };
    if (source === 'skus') json.skus = String(f.get('skus') ?? '').split(/[\s,]+/).filter(Boolean);
    else if (source === 'tag') json.tag = f.get('tag');
    else json.week = 'this';
    try {
      const created = await api('/api/counts/rounds', { method: 'POST', json });
      location.hash = `#/counts/${encodeURIComponent(created.round.id)}`;
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : String(e);
    }
  });
  replace(container,
    h('h2', {}, 'Counts'),
    h('p', {}, "Count a shelf, a tag or this week's list (every SKU comes up at least once a quarter, fast sellers and valuable pieces more often). A count sets on hand as of the moment you counted; a difference of more than 5 % from what FuncSync expected (or any difference where it expected none) asks you for a reason."),
    form,
    h('h3', {}, 'Rounds'),
    rounds.rounds.length === 0 ? h('p', {}, 'No rounds yet.') : h('ul', { id: 'rounds' }, rounds.rounds.map(r => h('li', {},
      h('a', { href: `#/counts/${encodeURIComponent(r.id)}` }, r.name), ` — ${r.skus.length} SKUs, started ${when(r.createdAt)} by ${r.by}`))),
    h('h3', {}, 'Awaiting a reason'),
    awaiting.counts.length === 0 ? h('p', {}, 'Every difference has a reason.') : reviewTable(awaiting.counts, awaiting.reasons, () => countsView(container)),
    h('h3', {}, 'Shrinkage per month'),
    shrinkageTable(shrinkage),
    h('div', { class: 'toolbar' },
      download('/api/counts/shrinkage.csv', 'shrinkage.csv', 'Export shrinkage (CSV)'),
      download('/api/counts?format=csv', 'counts.csv', 'Export every count (CSV)')));
}

/** One round: each SKU with what FuncSync expects on the shelf, a box for the count, and a reason for a flagged one. */
export async function countRoundView(container, id) {
  const [view, reasons] = await Promise.all([api(`/api/counts/rounds/${encodeURIComponent(id)}`), api('/api/counts?review=true')]);
  const refresh = () => countRoundView(container, id);
  const rows = view.lines.map(line => {
    const label = `Counted on the shelf for ${line.sku}`;
    const input = h('input', { id: `count-${line.sku}`, type: 'number', min: 0, inputmode: 'numeric', 'aria-label': label, value: line.count?.counted ?? '' });
    const save = h('button', { type: 'button', 'aria-label': `Save count of ${line.sku}` }, 'Save');
    save.addEventListener('click', async () => {
      if (input.value === '') { input.focus(); return; }
      save.disabled = true;
      try {
        const answer = await api(`/api/skus/${encodeURIComponent(line.sku)}/count`, { method: 'PUT', json: { quantity: Number(input.value), round: id, note: `count round ${view.round.name}` } });
        const c = answer.count;
        notify(c.needsReview
          ? `${line.sku}: counted ${c.counted}, expected ${c.expected} (${signed(c.variance)}): please pick a reason.`
          : `${line.sku}: counted ${c.counted}, as expected within 5 %.`);
        await refresh();
      } catch (e) {
        save.disabled = false;
        notify(e instanceof ApiError ? e.message : String(e), true);
      }
    });
    const c = line.count;
    return h('tr', { dataset: { sku: line.sku, flagged: c?.needsReview ? 'true' : 'false' } },
      h('th', { scope: 'row' }, line.sku), h('td', {}, line.title),
      h('td', { class: 'num' }, c ? c.expected : line.onHand),
      h('td', {}, input, ' ', save),
      h('td', { class: 'num variance' }, c ? `${signed(c.variance)} (${percent(c.variancePercent)})` : '—'),
      h('td', { class: 'review' }, !c ? '' : !c.needsReview ? 'ok' : c.reason ? `reason: ${c.reason}` : reasonPicker(c, reasons.reasons, refresh)));
  });
  replace(container,
    h('h2', {}, `Counting: ${view.round.name}`),
    h('p', { id: 'round-summary' }, `${view.counted} of ${view.lines.length} counted; ${view.awaitingReview} awaiting a reason. Expected is what FuncSync has on the shelf (received − shipped − written off since the last count).`),
    scrollBox(h('table', { id: 'round-lines' },
      h('thead', {}, h('tr', {}, ['SKU', 'Title', 'Expected', 'Counted', 'Difference', 'Review'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows))),
    h('p', {}, h('a', { href: '#/counts' }, 'All rounds and shrinkage')));
}

function reasonPicker(count, reasons, done) {
  const select = h('select', { 'aria-label': `Reason for the difference on ${count.sku}` }, reasons.map(r => h('option', { value: r }, r)));
  const button = h('button', { type: 'button', 'aria-label': `Record reason for ${count.sku}` }, 'Record');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api(`/api/counts/${encodeURIComponent(count.id)}/review`, { method: 'POST', json: { reason: select.value, by: localStorage.getItem(whoKey) || 'dashboard' } });
      notify(`${count.sku}: ${signed(count.variance)} recorded as ${select.value}.`);
      await done();
    } catch (e) {
      button.disabled = false;
      notify(e instanceof ApiError ? e.message : String(e), true);
    }
  });
  return h('span', { class: 'flag' }, h('strong', { class: 'error' }, 'check: '), select, ' ', button);
}

function reviewTable(counts, reasons, done) {
  return scrollBox(h('table', { id: 'awaiting-review' },
    h('thead', {}, h('tr', {}, ['SKU', 'Counted', 'Expected', 'Difference', 'When', 'Reason'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, counts.map(c => h('tr', { dataset: { sku: c.sku } },
      h('th', { scope: 'row' }, c.sku), h('td', { class: 'num' }, c.counted), h('td', { class: 'num' }, c.expected),
      h('td', { class: 'num' }, `${signed(c.variance)} (${percent(c.variancePercent)})`), h('td', {}, when(c.at)), h('td', {}, reasonPicker(c, reasons, done)))))));
}

function shrinkageTable(report) {
  if (report.months.length === 0) return h('p', {}, 'No counts yet.');
  return h('div', {},
    report.costsKnown ? null : h('p', { class: 'muted' }, 'No counted SKU has a unit cost yet, so shrinkage shows in units and percent only; add unit_cost to the SKU map to see it in money.'),
    scrollBox(h('table', { id: 'shrinkage' },
      h('thead', {}, h('tr', {}, ['Month', 'Counts', 'Expected', 'Counted', 'Shrinkage', '%', 'Value', 'By reason'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, report.months.map(m => h('tr', { dataset: { month: m.month } },
        h('th', { scope: 'row' }, m.month), h('td', { class: 'num' }, m.counts), h('td', { class: 'num' }, m.expected), h('td', { class: 'num' }, m.counted),
        h('td', { class: 'num' }, m.shrinkage), h('td', { class: 'num' }, percent(m.percent)),
        h('td', { class: 'num' }, m.value === null ? '—' : money(m.value)),
        h('td', {}, Object.entries(m.byReason).map(([r, n]) => `${r} ${n}`).join(', ') || '—')))))));
}
