import { api, optional, ApiError } from './api.js';
import { h, replace, ago, notify, unavailable, duration, scrollBox } from './dom.js';
import { lagChart } from './chart.js';

/** One card per enabled channel, as the API describes it: its connection facts, last poll and push, and the action it
 * offers (connecting through OAuth); then lag and queues. No channel is named here. */
export async function channelsView(container) {
  const [{ channels }, health, lag] = await Promise.all([api('/api/channels'), optional('/healthz'), optional('/api/lag')]);
  const activity = name => health?.channels?.find(c => c.channel === name);
  const act = action => async () => {
    try {
      const answer = await api(`/api/${action.start}`);
      window.location.assign(answer.authorizeUrl);
    } catch (error) {
      notify(error instanceof ApiError ? error.message : String(error), true);
    }
  };
  const card = ({ channel, connection, capabilities }) => {
    const id = channel.toLowerCase();
    const polled = capabilities.intake.includes('Poll');
    const action = connection.action;
    return h('section', { class: 'card', 'aria-labelledby': `${id}-title`, dataset: { channel } },
      h('h3', { id: `${id}-title` }, channel),
      h('dl', { class: 'facts' },
        connection.facts.map(f => [h('dt', {}, f.label), h('dd', {}, f.value)]),
        polled ? [h('dt', {}, 'Last poll'), h('dd', {}, ago(activity(channel)?.lastPollAt))] : null,
        h('dt', {}, 'Last push'), h('dd', {}, ago(activity(channel)?.lastPushAt))),
      action ? h('button', { type: 'button', id: `${id}-connect`, onclick: act(action) }, action.label) : null,
      action?.hint ? h('p', { class: 'muted' }, action.hint) : null);
  };
  replace(container,
    h('h2', {}, 'Channels'),
    h('div', { class: 'cards' }, channels.map(card)),
    h('h3', {}, 'Lag, sale to channel'),
    lag ? [lagChart(lag.channels), scrollBox(h('table', {},
      h('thead', {}, h('tr', {}, ['Channel', 'p50', 'p95', 'Objective', 'Samples', 'Window'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, lag.channels.map(c => h('tr', {}, h('th', { scope: 'row' }, c.channel), h('td', {}, duration(c.p50Ms)), h('td', {}, duration(c.p95Ms)),
        h('td', {}, duration(c.objectiveMs)), h('td', {}, c.samples), h('td', {}, c.window))))))]
      : unavailable('Measured lag'),
    h('h3', {}, 'Queues'),
    health?.queues ? scrollBox(h('table', {},
      h('thead', {}, h('tr', {}, ['Queue', 'Waiting', 'Poison'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, health.queues.map(q => h('tr', { class: q.poison > 0 ? 'failed' : '' }, h('th', { scope: 'row' }, q.name), h('td', {}, q.depth), h('td', {}, q.poison))))))
      : unavailable('Health (queues, storage)'));
}
