// Every data call goes through here: it adds the admin key and turns failures into ApiError.
const storageKey = 'funcsync.adminKey';

export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body === 'object' && body?.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export const adminKey = () => sessionStorage.getItem(storageKey);
export const signIn = key => sessionStorage.setItem(storageKey, key);
export const signOut = () => sessionStorage.removeItem(storageKey);

export async function api(path, { method = 'GET', json, text, type } = {}) {
  const headers = { 'x-functions-key': adminKey() ?? '', accept: 'application/json' };
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (text !== undefined) {
    headers['content-type'] = type ?? 'text/plain';
    body = text;
  }
  const response = await fetch(path, { method, headers, body, cache: 'no-store' });
  const raw = await response.text();
  let data = raw;
  if ((response.headers.get('content-type') ?? '').includes('json') && raw) {
    try { data = JSON.parse(raw); } catch { data = raw; }
  }
  if (response.status === 401) {
    signOut();
    window.dispatchEvent(new CustomEvent('funcsync:signed-out'));
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Calls an endpoint that a FuncSync of this version may not have yet: null on 404, or 405 where the path
 * only matches another method's route (POST /{FunctionName} catches GET /healthz until it exists). */
export async function optional(path) {
  try {
    return await api(path);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}
