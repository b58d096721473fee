// Small SVG charts: no library, and each carries a text description for screen readers.
import { timeOfDay, when, duration } from './dom.js';

const svgNs = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

function frame(title, description) {
  const root = svg('svg', { viewBox: '0 0 600 220', role: 'img', class: 'chart', preserveAspectRatio: 'xMidYMid meet' });
  root.append(svg('title', {}, title), svg('desc', {}, description));
  return root;
}

/** Available quantity over time as a step line; points are {at: Date, value: number}, oldest first. */
export function stepChart(points, title) {
  const description = points.length
    ? `${points.length} changes from ${when(points[0].at.toISOString())} to ${when(points.at(-1).at.toISOString())}; now ${points.at(-1).value}.`
    : 'No changes yet.';
  const root = frame(title, description);
  if (points.length === 0) return root;
  const left = 40, right = 590, top = 10, bottom = 190;
  const t0 = points[0].at.getTime(), t1 = Math.max(points.at(-1).at.getTime(), Date.now());
  const values = points.map(p => p.value);
  const min = Math.min(0, ...values), max = Math.max(1, ...values);
  const x = t => left + (right - left) * (t1 === t0 ? 1 : (t - t0) / (t1 - t0));
  const y = v => bottom - (bottom - top) * (v - min) / (max - min);
  root.append(svg('line', { x1: left, y1: y(0), x2: right, y2: y(0), class: 'axis' }));
  root.append(svg('text', { x: 4, y: y(max) + 4, class: 'tick' }, max), svg('text', { x: 4, y: y(min) + 4, class: 'tick' }, min));
  let d = `M ${x(t0)} ${y(points[0].value)}`;
  for (const p of points.slice(1)) d += ` H ${x(p.at.getTime())} V ${y(p.value)}`;
  d += ` H ${x(t1)}`;
  root.append(svg('path', { d, class: 'series' }));
  timeAxis(root, t0, t1, x, bottom);
  return root;
}

/** The time axis: a baseline and five ticks in the seller's time zone, with the date when the span passes a day. */
function timeAxis(root, t0, t1, x, bottom) {
  root.append(svg('line', { x1: x(t0), y1: bottom, x2: x(t1), y2: bottom, class: 'axis' }));
  const withDate = t1 - t0 > 86_400_000;
  const ticks = 5;
  for (let i = 0; i < ticks; i++) {
    const t = t0 + (t1 - t0) * i / (ticks - 1);
    const anchor = i === 0 ? 'start' : i === ticks - 1 ? 'end' : 'middle';
    root.append(svg('line', { x1: x(t), y1: bottom, x2: x(t), y2: bottom + 5, class: 'axis' }));
    root.append(svg('text', { x: x(t), y: bottom + 20, class: 'tick', 'text-anchor': anchor }, timeOfDay(new Date(t), withDate)));
  }
}

/** p50 and p95 lag per channel as paired bars, with the objective as a marker. */
export function lagChart(channels) {
  const description = channels.map(c => `${c.channel} (${c.window}): p50 ${duration(c.p50Ms)}, p95 ${duration(c.p95Ms)}, objective ${duration(c.objectiveMs)}`).join('; ');
  const root = frame('Lag per channel, p50 and p95', description || 'No lag measured yet.');
  const max = Math.max(1, ...channels.flatMap(c => [c.p50Ms ?? 0, c.p95Ms ?? 0, c.objectiveMs ?? 0]));
  const rowHeight = Math.min(60, 200 / Math.max(1, channels.length));
  channels.forEach((c, i) => {
    const top = 10 + i * rowHeight;
    const width = v => 440 * (v ?? 0) / max;
    root.append(svg('text', { x: 4, y: top + rowHeight / 2, class: 'tick' }, `${c.channel} ${c.window}`));
    root.append(svg('rect', { x: 100, y: top, width: width(c.p50Ms), height: rowHeight / 3, class: 'bar-p50' }));
    root.append(svg('rect', { x: 100, y: top + rowHeight / 3, width: width(c.p95Ms), height: rowHeight / 3, class: 'bar-p95' }));
    if (c.objectiveMs) root.append(svg('line', { x1: 100 + width(c.objectiveMs), x2: 100 + width(c.objectiveMs), y1: top, y2: top + 2 * rowHeight / 3, class: 'objective' }));
  });
  return root;
}
