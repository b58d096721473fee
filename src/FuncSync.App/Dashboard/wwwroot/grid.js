import { api } from './api.js';
import { h, replace, badge, duration, ago, timeOfDay, scrollBox } from './dom.js';

const problemStates = new Set(['Pushing', 'Drift', 'Unmapped', 'Oversold']);
export const pollMs = 2000;
const pageSize = 100;

/** The stock grid: a page of SKUs (searched and filtered on the server), what each enabled channel shows, kept up to
 * date without a reload by asking every few seconds only for the rows changed since the last answer. Its channel
 * columns are the channels the API lists. */
export async function gridView(container, signal) {
  const channels = (await api('/api/channels')).channels.map(c => c.channel);
  // The seller may have moved to another page while the channels loaded: drawing the grid now would cover it.
  if (signal.aborted) return;
  const filters = { text: '', problems: false, low: false, threshold: 3 };
  let typing;
  const reload = () => { page = 1; loadPage(); };
  const search = h('input', { id: 'grid-search', type: 'search', placeholder: 'SKU or title', oninput: e => { filters.text = e.target.value.trim(); clearTimeout(typing); typing = setTimeout(reload, 250); } });
  const problems = h('input', { id: 'grid-problems', type: 'checkbox', onchange: e => { filters.problems = e.target.checked; if (e.target.checked) { filters.low = false; low.checked = false; } reload(); } });
  const low = h('input', { id: 'grid-low', type: 'checkbox', onchange: e => { filters.low = e.target.checked; if (e.target.checked) { filters.problems = false; problems.checked = false; } reload(); } });
  const threshold = h('input', { id: 'grid-threshold', type: 'number', min: 0, value: 3, class: 'narrow', 'aria-label': 'Low-stock threshold, units', oninput: e => { filters.threshold = Math.max(0, Number(e.target.value) || 0); if (filters.low) { clearTimeout(typing); typing = setTimeout(reload, 250); } } });
  const summary = h('p', { id: 'grid-summary', 'aria-live': 'polite' });
  const body = h('tbody');
  const updated = h('p', { class: 'muted', id: 'grid-updated' });
  const previous = h('button', { type: 'button', id: 'grid-previous', onclick: () => { page--; loadPage(); } }, 'Previous page');
  const next = h('button', { type: 'button', id: 'grid-next', onclick: () => { page++; loadPage(); } }, 'Next page');
  const pageLabel = h('span', { id: 'grid-page' });
  let page = 1;
  let more = false;
  let matching = null;
  let token = null;
  let rows = [];
  let total = null;
  let attention = new Set();
  let openAlerts = { count: 0, skus: [], other: 0 };
  let loading = 0;

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
    h('div', { class: 'toolbar', role: 'navigation', 'aria-label': 'Pages of the stock grid' }, previous, pageLabel, next),
    updated);

  // The same rules as the server's q and filter, so a changed row joins or leaves the page as a reload would place it.
  function matches(sku) {
    const text = filters.text.toLowerCase();
    if (text && !sku.sku.toLowerCase().includes(text) && !sku.title.toLowerCase().includes(text)) return false;
    if (filters.problems && !problemStates.has(sku.state)) return false;
    if (filters.low && sku.available > filters.threshold) return false;
    return true;
  }

  function query() {
    const parts = [`page=${page}`, `pageSize=${pageSize}`];
    if (filters.text) parts.push(`q=${encodeURIComponent(filters.text)}`);
    if (filters.problems) parts.push('filter=problems');
    else if (filters.low) parts.push('filter=low', `threshold=${filters.threshold}`);
    return parts.join('&');
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
    const existing = new Map([...body.rows].map(r => [r.dataset.sku, r]));
    // Rows are replaced only when their data changed, so a focused link survives a refresh.
    const drawn = rows.map(sku => {
      const key = JSON.stringify(sku);
      const old = existing.get(sku.sku);
      if (old && old.dataset.json === key) return old;
      const fresh = row(sku);
      fresh.dataset.json = key;
      return fresh;
    });
    if (drawn.length !== body.rows.length || drawn.some((r, i) => body.rows[i] !== r)) body.replaceChildren(...drawn);
    previous.disabled = page === 1;
    next.disabled = !more;
    pageLabel.textContent = `Page ${page}`;
    // A SKU needs attention when its state is a problem or an open alert names it; an open alert naming no SKU
    // (a channel's lag, a poison queue) needs attention too.
    const needing = new Set([...attention, ...openAlerts.skus]);
    const alertsNote = openAlerts.count ? [' (', h('a', { href: '#/alerts' }, `${openAlerts.count} open ${openAlerts.count === 1 ? 'alert' : 'alerts'}`), ')'] : '';
    const of = matching ?? total;
    const first = (page - 1) * pageSize;
    const shown = rows.length === 0 ? '0' : `${first + 1}–${first + rows.length}`;
    replace(summary, `${shown} of ${of ?? '…'} SKUs shown; ${total === null ? '…' : needing.size + openAlerts.other} need attention`, alertsNote, '.');
  }

  function alertsChanged(alerts) {
    openAlerts = alerts;
    window.dispatchEvent(new CustomEvent('funcsync:open-alerts', { detail: alerts.count }));
  }

  async function loadPage() {
    const mine = ++loading;
    const answer = await api(`/api/skus?${query()}`);
    // A later search or page superseded this one while it loaded.
    if (mine !== loading || signal.aborted) return;
    ({ more, matching, token } = answer);
    rows = answer.skus;
    alertsChanged(answer.alerts);
    render();
  }

  async function loadSummary() {
    const answer = await api('/api/skus?summary=true');
    if (signal.aborted) return;
    total = answer.total;
    attention = new Set(answer.attention);
    render();
  }

  /** A changed row replaces its old self, joins the page when it now matches and sorts within it, or leaves it. */
  function apply(changed) {
    const onPage = new Map(rows.map(r => [r.sku, r]));
    const first = rows.length ? rows[0].sku : null;
    const last = rows.length ? rows[rows.length - 1].sku : null;
    for (const sku of changed) {
      if (problemStates.has(sku.state)) attention.add(sku.sku);
      else attention.delete(sku.sku);
      const afterFirst = page === 1 || (first !== null && sku.sku > first);
      const beforeLast = !more || (last !== null && sku.sku < last);
      if (matches(sku) && (onPage.has(sku.sku) || (afterFirst && beforeLast))) onPage.set(sku.sku, sku);
      else onPage.delete(sku.sku);
    }
    rows = [...onPage.values()].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  }

  async function poll() {
    if (signal.aborted) return;
    try {
      if (token === null) {
        await loadPage();
        await loadSummary();
      } else {
        const delta = await api(`/api/skus?since=${encodeURIComponent(token)}`);
        if (signal.aborted) return;
        token = delta.token;
        if (delta.reset) {
          await loadPage();
          await loadSummary();
        } else {
          apply(delta.skus);
          if (delta.alerts) {
            alertsChanged(delta.alerts);
            // A mapping or an alert changed: the total may have too.
            await loadSummary();
          }
          render();
        }
      }
      updated.textContent = `Updated ${timeOfDay(new Date())}; refreshes every ${pollMs / 1000} s.`;
    } catch (error) {
      updated.textContent = `Could not refresh: ${error.message}`;
    }
    if (!signal.aborted) setTimeout(poll, pollMs);
  }

  poll();
}
