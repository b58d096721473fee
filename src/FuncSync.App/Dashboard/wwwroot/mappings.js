import { api, ApiError } from './api.js';
import { h, replace, notify, scrollBox, money } from './dom.js';

// A SKU's own fields; each enabled channel's listing fields come from the API, between title and components.
const before = [['title', 'Title', 'title']];
const after = [['components', 'Made of (PART:qty;PART:qty)', 'components'], ['leadTimeDays', 'Lead time to restock, days', 'lead_time_days'],
  ['lowStock', 'Low-stock alert at', 'low_stock'], ['madeToOrder', 'Made to order: every channel shows', 'made_to_order'],
  ['tags', 'Tags (a;b)', 'tags'], ['unitCost', 'Unit cost (a bundle or made-to-order piece: the extra on top of its parts)', 'unit_cost']];

/** A listing in the table: its key field, then its text fields (a product SKU within the listing). */
function listingText(channel, listing) {
  if (!listing) return '—';
  const shown = channel.listing.filter(f => f.name === channel.listingKey || f.type === 'Text').map(f => listing[f.name]);
  return shown.filter(v => v !== undefined && v !== null).join(' ');
}

function errorTable(errors) {
  return scrollBox(h('table', { id: 'import-errors', class: 'errors' },
    h('caption', {}, `${errors.length} ${errors.length === 1 ? 'row needs' : 'rows need'} fixing; nothing was imported.`),
    h('thead', {}, h('tr', {}, ['Line', 'Column', 'Problem'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, errors.map(e => h('tr', {}, h('td', {}, e.line), h('td', {}, e.column ?? ''), h('td', {}, e.message))))));
}

/** The SKU map: view, edit a row, add one, import and export the CSV. */
export async function mappingsView(container) {
  const [{ mappings }, { channels }] = await Promise.all([api('/api/mappings'), api('/api/channels')]);
  const listingFields = channels.flatMap(c => c.listing.map(f => [f.name, f.label, f.column, c.channel]));
  const fields = [...before, ...listingFields, ...after];
  const value = (mapping, [name, , , channel]) => channel ? mapping?.listings?.[channel]?.[name] : mapping?.[name];
  const importResult = h('div', { id: 'import-result', role: 'alert' });
  const file = h('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv', required: true });
  const importForm = h('form', { id: 'import-form', class: 'action' },
    h('h3', {}, 'Import a CSV'),
    h('p', { class: 'muted' }, `Columns: sku, title, quantity, ${[...listingFields, ...after].map(f => f[2]).join(', ')}. A quantity counts the stock. If any row is wrong nothing is imported, and every wrong row is listed; a good file is applied in the background, with its progress shown here.`),
    h('label', { for: 'import-file' }, 'SKU map file'), file,
    h('button', { type: 'submit' }, 'Import'), importResult);
  importForm.addEventListener('submit', async event => {
    event.preventDefault();
    replace(importResult);
    const chosen = file.files[0];
    if (!chosen) return;
    try {
      // Accepted at once (202): the rows are applied in the background, and the job's address says how far it got.
      let job = await api('/api/mappings.csv', { method: 'PUT', text: chosen, type: 'text/csv' });
      const bar = h('progress', { id: 'import-progress', max: 100, value: job.percent, 'aria-labelledby': 'import-status' });
      const status = h('p', { id: 'import-status', 'aria-live': 'polite' });
      const show = () => { bar.value = job.percent; status.textContent = `Importing: ${job.appliedRows} of ${job.rows} SKUs (${job.percent} %)`; };
      replace(importResult, status, bar);
      show();
      while (job.state !== 'Completed' && job.state !== 'Failed') {
        await new Promise(resolve => setTimeout(resolve, 1000));
        job = await api(job.url);
        show();
      }
      if (job.state === 'Failed') {
        replace(importResult, h('p', { class: 'error' }, `The import stopped after ${job.appliedRows} of ${job.rows} SKUs: ${job.error}`));
        return;
      }
      notify(`Imported ${job.rows} SKUs; ${job.counted} counted.`);
      await mappingsView(container);
    } catch (error) {
      if (error instanceof ApiError && error.body?.errors) replace(importResult, errorTable(error.body.errors));
      else replace(importResult, h('p', { class: 'error' }, error.message));
    }
  });

  const exportButton = h('button', { type: 'button', id: 'export', onclick: async () => {
    const csv = await api('/api/mappings.csv');
    const link = h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: 'skumap.csv' });
    document.body.append(link);
    link.click();
    link.remove();
  } }, 'Export CSV');

  const editor = h('div', { id: 'editor' });
  const edit = mapping => () => {
    const errors = h('div', { role: 'alert' });
    const sku = h('input', { id: 'edit-sku', name: 'sku', required: true, value: mapping?.sku ?? '', readonly: mapping ? true : false });
    const form = h('form', { id: 'edit-form', class: 'action', 'aria-labelledby': 'edit-title' },
      h('h3', { id: 'edit-title' }, mapping ? `Edit ${mapping.sku}` : 'Add a SKU'),
      h('label', { for: 'edit-sku' }, 'SKU'), sku,
      fields.map(field => [h('label', { for: `edit-${field[0]}` }, field[1]), h('input', { id: `edit-${field[0]}`, name: field[0], value: value(mapping, field) ?? '' })]),
      h('button', { type: 'submit' }, 'Save'), h('button', { type: 'button', onclick: () => replace(editor) }, 'Cancel'), errors);
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const data = new FormData(form);
      const body = Object.fromEntries(fields.map(([name]) => [name, data.get(name) || null]));
      try {
        await api(`/api/mappings/${encodeURIComponent(data.get('sku'))}`, { method: 'PUT', json: body });
        notify(`Saved ${data.get('sku')}.`);
        await mappingsView(container);
      } catch (error) {
        replace(errors, error instanceof ApiError && error.body?.errors ? errorTable(error.body.errors) : h('p', { class: 'error' }, error.message));
      }
    });
    replace(editor, form);
    (mapping ? form.elements.title : sku).focus();
  };

  replace(container,
    h('h2', {}, 'Mappings'),
    h('div', { class: 'toolbar' }, exportButton, h('button', { type: 'button', id: 'add-mapping', onclick: edit(null) }, 'Add a SKU')),
    editor,
    scrollBox(h('table', { id: 'mappings' },
      h('thead', {}, h('tr', {}, ['SKU', 'Title', ...channels.map(c => `${c.channel} listing`), 'Made of', 'Used by', 'Unit cost', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, mappings.map(m => h('tr', { dataset: { sku: m.sku } },
        h('th', { scope: 'row' }, h('a', { href: `#/sku/${encodeURIComponent(m.sku)}` }, m.sku)), h('td', {}, m.title),
        channels.map(c => h('td', { dataset: { channel: c.channel } }, listingText(c, m.listings[c.channel]))),
        h('td', {}, m.components || '—'), h('td', {}, m.usedBy.join(', ') || '—'),
        h('td', { class: 'num cost' }, m.cost === null || m.cost === undefined ? '—' : money(m.cost)),
        h('td', {}, h('button', { type: 'button', onclick: edit(m), 'aria-label': `Edit ${m.sku}` }, 'Edit'))))))),
    importForm);
}
