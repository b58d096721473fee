import { api, optional, ApiError } from './api.js';
import { h, replace, when, ago, notify, unavailable, duration } from './dom.js';
import { lagChart } from './chart.js';

/** Channel connections, last poll and push, queues, lag and the Etsy API budget. */
export async function channelsView(container) {
  const [connections, health, lag, etsy] = await Promise.all([
    api('/api/channels'), optional('/healthz'), optional('/api/lag'), optional('/api/etsy/health')]);
  const connect = async () => {
    try {
      const answer = await api('/api/etsy/oauth/start');
      window.location.assign(answer.authorizeUrl);
    } catch (error) {
      notify(error instanceof ApiError ? error.message : String(error), true);
    }
  };
  const activity = name => health?.channels?.find(c => c.channel === name);
  const shopify = connections.shopify, etsyConnection = connections.etsy;
  replace(container,
    h('h2', {}, 'Channels'),
    h('div', { class: 'cards' },
      h('section', { class: 'card', 'aria-labelledby': 'shopify-title' },
        h('h3', { id: 'shopify-title' }, 'Shopify'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Shop'), h('dd', {}, shopify.shopDomain || 'not set'),
          h('dt', {}, 'API version'), h('dd', {}, shopify.apiVersion),
          h('dt', {}, 'Access token'), h('dd', {}, shopify.accessTokenConfigured ? 'configured' : 'missing'),
          h('dt', {}, 'Webhook secret'), h('dd', {}, shopify.webhookSecretConfigured ? 'configured' : 'missing'),
          h('dt', {}, 'Last push'), h('dd', {}, ago(activity('Shopify')?.lastPushAt)))),
      h('section', { class: 'card', 'aria-labelledby': 'etsy-title' },
        h('h3', { id: 'etsy-title' }, 'Etsy'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Shop id'), h('dd', {}, etsyConnection.shopId || 'not set'),
          h('dt', {}, 'Connection'), h('dd', { id: 'etsy-connection' }, etsyConnection.connected
            ? `connected through OAuth, token renews before ${when(etsyConnection.tokenExpiresAt)}`
            : etsyConnection.staticTokenConfigured ? 'static access token' : 'not connected'),
          h('dt', {}, 'Last poll'), h('dd', {}, ago(etsy?.LastPollAt ?? activity('Etsy')?.lastPollAt)),
          h('dt', {}, 'Poll interval'), h('dd', {}, etsy ? `${etsy.IntervalSeconds.toFixed(1)} s` : '—'),
          h('dt', {}, 'Last push'), h('dd', {}, ago(activity('Etsy')?.lastPushAt)),
          h('dt', {}, 'API budget today'), h('dd', { id: 'etsy-budget' }, etsy?.RemainingToday !== null && etsy?.RemainingToday !== undefined
            ? `${etsy.RemainingToday} of ${etsy.LimitPerDay} left (${etsy.ReservedToday} kept for pushes)` : 'not seen yet')),
        h('button', { type: 'button', id: 'etsy-connect', onclick: connect }, etsyConnection.connected ? 'Reconnect Etsy' : 'Connect Etsy'),
        etsyConnection.oauthConfigured ? null
          : h('p', { class: 'muted' }, 'Etsy will send you back to this address; set Etsy__OAuthRedirectUri to the HTTPS callback registered with your Etsy app.'))),
    h('h3', {}, 'Lag, sale to channel'),
    lag ? [lagChart(lag.channels), h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Channel', 'p50', 'p95', 'Objective', 'Samples', 'Window'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, lag.channels.map(c => h('tr', {}, h('th', { scope: 'row' }, c.channel), h('td', {}, duration(c.p50Ms)), h('td', {}, duration(c.p95Ms)),
        h('td', {}, duration(c.objectiveMs)), h('td', {}, c.samples), h('td', {}, c.window))))))]
      : unavailable('Measured lag'),
    h('h3', {}, 'Queues'),
    health?.queues ? h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Queue', 'Waiting', 'Poison'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, health.queues.map(q => h('tr', { class: q.poison > 0 ? 'failed' : '' }, h('th', { scope: 'row' }, q.name), h('td', {}, q.depth), h('td', {}, q.poison))))))
      : unavailable('Health (queues, storage)'));
}
