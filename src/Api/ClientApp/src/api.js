// The upload API over plain HTTP, for what the page asks when it is not listening on the hub.
import { authorization } from './access.js';

/** The status JSON of an upload by its URL or id; null when the server does not answer with one. */
export async function statusOf(urlOrId) {
  const url = urlOrId.includes('/') ? urlOrId : `/api/uploads/${encodeURIComponent(urlOrId)}`;
  const response = await fetch(url, { headers: { Accept: 'application/json', ...authorization() } }).catch(() => null);
  return response?.ok ? response.json() : null;
}

/** The server's unfinished uploads; empty when it cannot be reached. */
export async function activeUploads() {
  const response = await fetch('/api/uploads?state=active', { headers: authorization() });
  return response.ok ? response.json() : [];
}

/** The same cancellation as the hub's, through DELETE; returns the status afterwards. */
export async function cancelUpload(id) {
  const response = await fetch(`/api/uploads/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { 'Tus-Resumable': '1.0.0', ...authorization() } });
  if (!response.ok) throw new Error(`The server refused to cancel (HTTP ${response.status}).`);
  return statusOf(id);
}
