import { api } from './api.js';
import { h, replace, badge, duration, ago, timeOfDay, scrollBox } from './dom.js';

const problemStates = new Set(['Pushing', 'Drift', 'Unmapped', 'Oversold']);
export const pollMs = 2000;

/** The stock grid: every SKU, what each enabled channel shows, refreshed every few seconds without a reload.
 * Its channel columns are the channels the API lists. */
export async function gridView(container, signal) {
  const channels = (await api('/api/channels')).channels.map(c => c.channel);
  // The seller may have moved to another page while the channels loaded: drawing the grid now would cover it.
  if (signal.aborted) return;
  const filters = { text: '', problems: false, low: false, threshold: 3 };
  const search = h('input', { id: 'grid-search', type: 'search', placeholder: 'SKU or title', oninput: e => { filters.text = e.target.value.trim().toLowerCase(); render(); } });
  const problems = h('input', { id: 'grid-problems', type: 'checkbox', onchange: e => { filters.problems = e.target.checked; render(); } });
  const low = h('input', { id: 'grid-low', type: 'checkbox', onchange: e => { filters.low = e.target.checked; render(); } });
  const threshold = h('input', { id: 'grid-threshold', type: 'number', min: 0, value: 3, class: 'narrow', 'aria-label': 'Low-stock threshold, units', oninput: e => { filters.threshold = Number(e.target.value); render(); } });
  const summary = h('p', { id: 'grid-summary', 'aria-live': 'polite' });
  const body = h('tbody');
  const updated = h('p', { class: 'muted', id: 'grid-updated' });
  let skus = [];
  let openAlerts = [];

  replace(container,
    h('h2', {}, 'Stock'),
    h('div', { class: 'filters', role: 'search' },
      h('label', { for: 'grid-search' }, 'Search'), search,
      h('span', {}, problems, h('label', { for: 'grid-problems' }, 'Problems only')),
      h('span', {}, low, h('label', { for: 'grid-low' }, 'Low stock, at or below'), threshold)),
    summary,
    scrollBox(
      h('table', { id: 'stock-grid' },
        h('caption', { class: 'visually-hidden' }, 'Every SKU: on hand, committed and available, and per channel what it shows, its target, lag and state'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'SKU'), h('th', { scope: 'col' }, 'Title'),
          h('th', { scope: 'col', class: 'num' }, 'On hand'), h('th', { scope: 'col', class: 'num' }, 'Committed'), h('th', { scope: 'col', class: 'num' }, 'Available'),
          channels.map(c => h('th', { scope: 'col', class: 'num' }, `${c} shows`)),
          h('th', { scope: 'col' }, 'Lag'), h('th', { scope: 'col', class: 'state' }, 'State'))),
        body)),
    updated);

  function visible(sku) {
    if (filters.text && !sku.sku.toLowerCase().includes(filters.text) && !sku.title.toLowerCase().includes(filters.text)) return false;
    if (filters.problems && !problemStates.has(sku.state)) return false;
    if (filters.low && sku.available > filters.threshold) return false;
    return true;
  }

  function cell(sku, channel) {
    const status = sku.channels.find(c => c.channel === channel);
    if (!status) return h('td', { class: 'num muted', dataset: { channel } }, 'not listed');
    const confirmed = status.status === 'InSync' ? 'read back' : status.status === 'Written' ? 'written' : status.status === 'Deferred' ? 'held' : 'not pushed yet';
    return h('td', { class: 'num', dataset: { channel, state: status.state } },
      h('span', { class: 'shown' }, status.shown ?? '—'),
      status.target !== null && status.target !== status.shown ? h('span', { class: 'target' }, ` → ${status.target}`) : null,
      h('span', { class: 'confirmed' }, confirmed, status.checkedAt ? `, ${ago(status.checkedAt)}` : ''));
  }

  function row(sku) {
    const lags = sku.channels.filter(c => c.lagMs !== null).map(c => `${c.channel} ${duration(c.lagMs)}`);
    return h('tr', { dataset: { sku: sku.sku, state: sku.state } },
      h('th', { scope: 'row' }, h('a', { href: `#/sku/${encodeURIComponent(sku.sku)}` }, sku.sku)),
      h('td', {}, sku.title),
      h('td', { class: 'num on-hand' }, sku.onHand ?? '—'),
      h('td', { class: 'num committed' }, sku.committed ?? '—'),
      h('td', { class: 'num available' }, sku.available),
      channels.map(c => cell(sku, c)),
      h('td', {}, lags.join(', ') || '—'),
      h('td', { class: 'state' }, badge(sku.state)));
  }

  function render() {
    const shown = skus.filter(visible);
    const rows = new Map([...body.rows].map(r => [r.dataset.sku, r]));
    // Rows are replaced only when their data changed, so a focused link survives a refresh.
    const next = shown.map(sku => {
      const key = JSON.stringify(sku);
      const existing = rows.get(sku.sku);
      if (existing && existing.dataset.json === key) return existing;
      const fresh = row(sku);
      fresh.dataset.json = key;
      return fresh;
    });
    if (next.length !== body.rows.length || next.some((r, i) => body.rows[i] !== r)) body.replaceChildren(...next);
    // A SKU needs attention when its state is a problem or an open alert names it; an open alert naming no SKU
    // (a channel's lag, a poison queue) needs attention too.
    const attention = new Set(skus.filter(s => problemStates.has(s.state)).map(s => s.sku));
    let other = 0;
    for (const alert of openAlerts) {
      if (alert.sku) attention.add(alert.sku);
      else other++;
    }
    const alertsNote = openAlerts.length ? [' (', h('a', { href: '#/alerts' }, `${openAlerts.length} open ${openAlerts.length === 1 ? 'alert' : 'alerts'}`), ')'] : '';
    replace(summary, `${shown.length} of ${skus.length} SKUs shown; ${attention.size + other} need attention`, alertsNote, '.');
  }

  async function refresh() {
    if (signal.aborted) return;
    try {
      const [list, alerts] = await Promise.all([api('/api/skus'), api('/api/alerts?status=open').catch(() => ({ alerts: openAlerts }))]);
      skus = list.skus;
      openAlerts = alerts.alerts;
      render();
      updated.textContent = `Updated ${timeOfDay(new Date())}; refreshes every ${pollMs / 1000} s.`;
    } catch (error) {
      updated.textContent = `Could not refresh: ${error.message}`;
    }
    if (!signal.aborted) setTimeout(refresh, pollMs);
  }

  refresh();
}
