import { h, replace, notify, settings, saveSettings, when, money } from './dom.js';

/** The seller's display settings: language and region for numbers and dates, time zone, currency. Kept in this
 * browser only; the API always speaks UTC and plain numbers. */
export function settingsView(container) {
  const current = settings();
  const error = h('p', { class: 'error', role: 'alert', id: 'settings-error' });
  const sample = h('p', { class: 'muted', id: 'settings-sample' });
  const showSample = () => { sample.textContent = `Example: ${when(new Date().toISOString())}, ${money(1234.5)}.`; };
  const form = h('form', { id: 'settings-form', class: 'action' },
    h('label', { for: 'settings-locale' }, 'Language and region (e.g. en-GB, de-DE)'),
    h('input', { id: 'settings-locale', name: 'locale', value: current.locale, required: true }),
    h('label', { for: 'settings-time-zone' }, 'Time zone (e.g. Europe/London)'),
    h('input', { id: 'settings-time-zone', name: 'timeZone', value: current.timeZone, required: true }),
    h('label', { for: 'settings-currency' }, 'Currency (ISO code, e.g. GBP)'),
    h('input', { id: 'settings-currency', name: 'currency', value: current.currency, required: true, maxlength: 3, pattern: '[A-Za-z]{3}' }),
    h('button', { type: 'submit' }, 'Save'), error);
  form.addEventListener('submit', event => {
    event.preventDefault();
    const data = new FormData(form);
    const next = { locale: data.get('locale').trim(), timeZone: data.get('timeZone').trim(), currency: data.get('currency').trim().toUpperCase() };
    try {
      // Intl throws a RangeError for an unknown locale, zone or currency: refuse it here, not on every page.
      new Intl.DateTimeFormat(next.locale, { timeZone: next.timeZone }).format(new Date());
      new Intl.NumberFormat(next.locale, { style: 'currency', currency: next.currency }).format(1);
    } catch (e) {
      error.textContent = `Not saved: ${e.message}`;
      return;
    }
    error.textContent = '';
    saveSettings(next);
    showSample();
    notify('Settings saved.');
  });
  showSample();
  replace(container, h('h2', {}, 'Settings'),
    h('p', {}, 'How this dashboard shows dates, times and money. Kept in this browser.'), form, sample);
}
