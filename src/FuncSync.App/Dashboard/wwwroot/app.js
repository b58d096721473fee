import { api, adminKey, signIn, signOut, ApiError } from './api.js';
import { h, replace, notify } from './dom.js';
import { gridView } from './grid.js';

// The stock grid is the first page; every other page's module loads when it is first opened, so a seller's first view
// waits for the grid's few modules instead of the whole dashboard's.
const page = (module, name) => async (...args) => (await import(module))[name](...args);
const skuView = page('./sku.js', 'skuView');
const alertsView = page('./alerts.js', 'alertsView');
const channelsView = page('./channels.js', 'channelsView');
const mappingsView = page('./mappings.js', 'mappingsView');
const calculatorView = page('./calculator.js', 'calculatorView');
const launchesView = page('./launches.js', 'launchesView');
const settingsView = page('./settings.js', 'settingsView');
const pausesView = page('./pauses.js', 'pausesView');
const standingView = page('./standing.js', 'standingView');
const countsView = page('./counts.js', 'countsView');
const countRoundView = page('./counts.js', 'countRoundView');
const marginsView = page('./margins.js', 'marginsView');

const view = document.getElementById('view');
const signInSection = document.getElementById('sign-in');
const signOutButton = document.getElementById('sign-out');
let current = new AbortController();

const routes = [
  [/^#?\/?$/, (_, signal) => gridView(view, signal)],
  [/^#\/sku\/(.+)$/, match => skuView(view, decodeURIComponent(match[1]))],
  [/^#\/alerts$/, () => alertsView(view)],
  [/^#\/channels$/, () => channelsView(view)],
  [/^#\/mappings$/, () => mappingsView(view)],
  [/^#\/calculator$/, () => calculatorView(view)],
  [/^#\/launches$/, () => launchesView(view)],
  [/^#\/settings$/, () => settingsView(view)],
  [/^#\/pauses$/, () => pausesView(view)],
  [/^#\/standing$/, () => standingView(view)],
  [/^#\/counts$/, () => countsView(view)],
  [/^#\/margins$/, () => marginsView(view)],
  [/^#\/counts\/(.+)$/, match => countRoundView(view, decodeURIComponent(match[1]))],
];

async function route() {
  current.abort();
  current = new AbortController();
  notify('');
  const signedIn = Boolean(adminKey());
  signInSection.hidden = signedIn;
  signOutButton.hidden = !signedIn;
  if (!signedIn) {
    replace(view);
    document.getElementById('admin-key').focus();
    return;
  }
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === (location.hash || '#/')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!onGrid()) refreshAlertCount();
  const hash = location.hash || '#/';
  const [, render] = routes.find(([pattern]) => pattern.test(hash)) ?? [null, null];
  if (!render) {
    replace(view, h('h2', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the stock grid')));
    return;
  }
  replace(view, h('p', { class: 'muted' }, 'Loading…'));
  try {
    await render(hash.match(routes.find(([pattern]) => pattern.test(hash))[0]), current.signal);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    replace(view, h('h2', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, error.message));
  }
}

document.getElementById('sign-in-form').addEventListener('submit', event => {
  event.preventDefault();
  const input = document.getElementById('admin-key');
  signIn(input.value.trim());
  input.value = '';
  document.getElementById('sign-in-error').textContent = '';
  route();
  document.getElementById('main').focus();
});

signOutButton.addEventListener('click', () => { signOut(); route(); });

// The navigation shows how many alerts are open, refreshed every few seconds and after an acknowledgement; on the stock
// grid it takes the count from the grid's own polls instead of asking again.
const alertCount = document.getElementById('nav-alert-count');
const alertLink = document.getElementById('nav-alerts');
const onGrid = () => /^#?\/?$/.test(location.hash);
function showAlertCount(open) {
  alertCount.textContent = String(open);
  alertCount.hidden = open === 0;
  alertLink.setAttribute('aria-label', open === 0 ? 'Alerts, none open' : `Alerts, ${open} open`);
}
async function refreshAlertCount() {
  if (!adminKey()) { alertCount.hidden = true; return; }
  try {
    showAlertCount((await api('/api/alerts?status=open')).alerts.length);
  } catch {
    // A failed count leaves the last one; the page itself reports errors.
  }
}
window.addEventListener('funcsync:alerts-changed', refreshAlertCount);
window.addEventListener('funcsync:open-alerts', event => showAlertCount(event.detail));
setInterval(() => { if (!onGrid()) refreshAlertCount(); }, 5000);

window.addEventListener('funcsync:signed-out', () => {
  route();
  document.getElementById('sign-in-error').textContent = 'The admin key was refused. Sign in again.';
});

window.addEventListener('hashchange', () => { route(); document.getElementById('main').focus(); });
route();
