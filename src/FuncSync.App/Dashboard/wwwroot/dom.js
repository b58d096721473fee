// A few helpers to build the pages from data without innerHTML, so nothing a channel sends can run as markup.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

/** A box a wide table scrolls sideways in; it takes focus so that a keyboard can scroll it too. */
export const scrollBox = (...children) => h('div', { class: 'scroll', tabindex: 0 }, ...children);

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

const settingsKey = 'funcsync.settings';
const browser = Intl.DateTimeFormat().resolvedOptions();
const defaults = { locale: navigator.language || 'en-GB', timeZone: browser.timeZone || 'UTC', currency: 'USD' };

/** The seller's locale, time zone and currency (the Settings page), the browser's by default. */
export function settings() {
  try {
    return { ...defaults, ...JSON.parse(localStorage.getItem(settingsKey) ?? '{}') };
  } catch {
    return { ...defaults };
  }
}

export function saveSettings(value) {
  localStorage.setItem(settingsKey, JSON.stringify(value));
}

/** A date and time in the seller's locale and time zone; a date-only value (yyyy-MM-dd) as a date. */
export function when(value) {
  if (!value) return '—';
  const { locale, timeZone } = settings();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`));
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(value));
}

/** A time of day in the seller's time zone, for chart axes. */
export function timeOfDay(date, withDate = false) {
  const { locale, timeZone } = settings();
  return new Intl.DateTimeFormat(locale, withDate ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone } : { hour: '2-digit', minute: '2-digit', timeZone }).format(date);
}

/** An amount in the seller's currency, or in the one a channel's order was paid in. */
export function money(value, currency = settings().currency) {
  return new Intl.NumberFormat(settings().locale, { style: 'currency', currency }).format(Number(value));
}

export function ago(value, now = Date.now()) {
  if (!value) return '—';
  const seconds = Math.round((now - new Date(value).getTime()) / 1000);
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

/** "850 ms", "17.3 s", "1 min 14 s", "2 h 5 min": never "74283 ms". */
export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const pair = (major, majorUnit, minor, minorUnit) => minor ? `${major} ${majorUnit} ${minor} ${minorUnit}` : `${major} ${majorUnit}`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return pair(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  const minutes = Math.round(seconds / 60);
  if (minutes < 1440) return pair(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(minutes / 60);
  return pair(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

const stateLabels = { InSync: 'in sync', Pushing: 'pushing', Drift: 'drift', Unmapped: 'unmapped', Oversold: 'oversold' };
export const stateLabel = state => stateLabels[state] ?? state;
export const badge = state => h('span', { class: `badge state-${state}` }, stateLabel(state));

export function notify(message, isError = false) {
  const notice = document.getElementById('notice');
  notice.className = isError ? 'error' : '';
  notice.textContent = message;
}

export function unavailable(what) {
  return h('p', { class: 'muted' }, `${what} is not available from this FuncSync yet (its endpoint is missing).`);
}
