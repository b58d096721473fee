import { api, ApiError } from './api.js';
import { h, notify } from './dom.js';

/** A button that fetches a CSV report with the admin key (a plain link could not send it) and saves it. */
export function download(path, name, label) {
  return h('button', { type: 'button', onclick: async () => {
    try {
      const csv = await api(typeof path === 'function' ? path() : path);
      const link = h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: name });
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (e) {
      notify(e instanceof ApiError ? e.message : String(e), true);
    }
  } }, label);
}
