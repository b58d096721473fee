import { api, ApiError } from './api.js';
import { h, replace, notify } from './dom.js';

const fields = [
  ['title', 'Title'], ['shopifyProductId', 'Shopify product id'], ['shopifyVariantId', 'Shopify variant id'],
  ['shopifyInventoryItemId', 'Shopify inventory item id'], ['shopifyLocationId', 'Shopify location id'],
  ['etsyListingId', 'Etsy listing id'], ['etsySku', 'Etsy product SKU'], ['components', 'Made of (PART:qty;PART:qty)'],
  ['leadTimeDays', 'Lead time to restock, days'], ['lowStock', 'Low-stock alert at'],
];

function errorTable(errors) {
  return h('div', { class: 'scroll' }, h('table', { id: 'import-errors', class: 'errors' },
    h('caption', {}, `${errors.length} ${errors.length === 1 ? 'row needs' : 'rows need'} fixing; nothing was imported.`),
    h('thead', {}, h('tr', {}, ['Line', 'Column', 'Problem'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, errors.map(e => h('tr', {}, h('td', {}, e.line), h('td', {}, e.column ?? ''), h('td', {}, e.message))))));
}

/** The SKU map: view, edit a row, add one, import and export the CSV. */
export async function mappingsView(container) {
  const { mappings } = await api('/api/mappings');
  const importResult = h('div', { id: 'import-result', role: 'alert' });
  const file = h('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv', required: true });
  const importForm = h('form', { id: 'import-form', class: 'action' },
    h('h3', {}, 'Import a CSV'),
    h('p', { class: 'muted' }, 'Columns: sku, title, quantity, shopify_product_id, shopify_variant_id, shopify_inventory_item_id, shopify_location_id, etsy_listing_id, etsy_sku, components, lead_time_days, low_stock. A quantity counts the stock. If any row is wrong nothing is imported, and every wrong row is listed.'),
    h('label', { for: 'import-file' }, 'SKU map file'), file,
    h('button', { type: 'submit' }, 'Import'), importResult);
  importForm.addEventListener('submit', async event => {
    event.preventDefault();
    replace(importResult);
    const chosen = file.files[0];
    if (!chosen) return;
    try {
      const answer = await api('/api/mappings.csv', { method: 'PUT', text: await chosen.text(), type: 'text/csv' });
      notify(`Imported ${answer.imported} SKUs; ${answer.counted} counted.`);
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
      fields.map(([name, label]) => [h('label', { for: `edit-${name}` }, label), h('input', { id: `edit-${name}`, name, value: mapping?.[name] ?? '' })]),
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
    h('div', { class: 'scroll' }, h('table', { id: 'mappings' },
      h('thead', {}, h('tr', {}, ['SKU', 'Title', 'Shopify variant', 'Etsy listing', 'Made of', 'Used by', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, mappings.map(m => h('tr', { dataset: { sku: m.sku } },
        h('th', { scope: 'row' }, h('a', { href: `#/sku/${encodeURIComponent(m.sku)}` }, m.sku)), h('td', {}, m.title),
        h('td', {}, m.shopifyVariantId ?? '—'), h('td', {}, m.etsyListingId ? `${m.etsyListingId} ${m.etsySku ?? ''}` : '—'),
        h('td', {}, m.components || '—'), h('td', {}, m.usedBy.join(', ') || '—'),
        h('td', {}, h('button', { type: 'button', onclick: edit(m), 'aria-label': `Edit ${m.sku}` }, 'Edit'))))))),
    importForm);
}
