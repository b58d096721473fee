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

export const when = value => value ? new Date(value).toLocaleString() : '—';

export function ago(value, now = Date.now()) {
  if (!value) return '—';
  const seconds = Math.round((now - new Date(value).getTime()) / 1000);
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60000).toFixed(1)} min`;
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
