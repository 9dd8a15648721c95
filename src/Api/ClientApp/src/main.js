// The upload page: drop or pick files, watch any upload by id, see what is active on the server.
import * as tus from 'tus-js-client';
import { createHub } from './hub.js';
import { createUploader } from './uploader.js';
import { UploadCard } from './card.js';
import { bytes, duration } from './format.js';
import { isTerminal } from './states.js';
import { activeUploads, statusOf } from './api.js';

const list = document.getElementById('cards');
const cards = new Map();
const connection = document.getElementById('connection');
const connectionText = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…', disconnected: 'Offline – retrying' };

let activeRefresh = null;
const hub = createHub({
  onStatus: (status) => {
    cards.get(status.id)?.apply(status);
    // Something changed on the server: refresh the active list soon, once for a burst of events.
    activeRefresh ??= setTimeout(() => { activeRefresh = null; refreshActive(); }, 300);
  },
  onConnectionState: (state) => {
    connection.dataset.state = state;
    connection.textContent = connectionText[state];
  },
});
/** A finished card the person dismissed: gone from the page, and no longer watched. */
function forget(card) {
  card.element.remove();
  if (card.id) {
    cards.delete(card.id);
    hub.unwatch(card.id).catch(() => { /* the connection's end unwatches it anyway */ });
  }
}

const uploader = createUploader({ list, hub, cards, forget });

function addFiles(files) {
  for (const file of files) uploader.add(file);
}

document.getElementById('file-input').addEventListener('change', (event) => {
  addFiles(event.target.files);
  event.target.value = '';
});
document.addEventListener('dragover', (event) => {
  event.preventDefault();
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) document.body.classList.remove('dragging');
});
document.addEventListener('drop', (event) => {
  event.preventDefault();
  document.body.classList.remove('dragging');
  addFiles(event.dataTransfer.files);
});

async function watchById(id) {
  const error = document.getElementById('watch-error');
  error.hidden = true;
  if (cards.has(id)) {
    cards.get(id).element.scrollIntoView({ block: 'nearest' });
    return;
  }
  try {
    const status = await hub.watch(id);
    const card = new UploadCard(list, status.fileName ?? id, status.totalBytes);
    cards.set(id, card);
    card.apply(status);
    card.controls({ cancel: async () => card.apply(await hub.cancel(id)), dismiss: () => forget(card) });
  } catch (failure) {
    const unknown = /No upload/.test(failure?.message);
    if (!unknown) hub.unwatch(id).catch(() => {});
    error.textContent = unknown ? `No upload has the id “${id}”.` : 'The server cannot be reached.';
    error.hidden = false;
  }
}

document.getElementById('watch-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = new FormData(event.target).get('id').trim();
  if (id) watchById(id);
});

/** A list entry describing an upload (as text) with a button that watches it. */
function watchableItem(status, description) {
  const item = document.createElement('li');
  item.dataset.uploadId = status.id;
  const text = document.createElement('span');
  text.textContent = description;
  const watch = document.createElement('button');
  watch.className = 'button';
  watch.type = 'button';
  watch.textContent = 'Watch';
  watch.onclick = () => watchById(status.id);
  item.append(text, watch);
  return item;
}

/** Uploads this browser left unfinished (for example before a reload): pick the file again to resume. */
async function showResumable() {
  const previous = await tus.defaultOptions.urlStorage.findAllUploads();
  const items = [];
  for (const upload of previous) {
    const status = await statusOf(upload.uploadUrl);
    if (!status || isTerminal(status.state)) continue;
    items.push(watchableItem(status, `${status.fileName ?? status.id}: ${bytes(status.bytesReceived)} of ${bytes(status.totalBytes)} stored. Choose the file again to resume.`));
  }
  document.getElementById('resumable-list').replaceChildren(...items);
  document.getElementById('resumable').hidden = items.length === 0;
}

/** The server's active uploads, refreshed while the page is open. */
async function refreshActive() {
  const target = document.getElementById('active-list');
  try {
    const active = await activeUploads();
    // Uploads that were created but never sent a byte are listed after the others, with their age:
    // they are waiting for their client (or for expiry), not moving.
    const moving = active.filter((status) => status.state !== 'created');
    const waiting = active.filter((status) => status.state === 'created');
    const items = [
      ...moving.map((status) =>
        watchableItem(status, `${status.fileName ?? status.id} · ${status.state} · ${bytes(status.bytesReceived)} of ${bytes(status.totalBytes)}`)),
      ...waiting.map((status) => {
        const item = watchableItem(status, `${status.fileName ?? status.id} · waiting, no bytes yet · created ${duration((Date.now() - Date.parse(status.createdAt)) / 1000)} ago`);
        item.classList.add('waiting');
        return item;
      }),
    ];
    if (items.length === 0) {
      const none = document.createElement('li');
      none.className = 'muted';
      none.textContent = 'None.';
      items.push(none);
    }
    target.replaceChildren(...items);
  } catch {
    // The connection indicator already says the server is unreachable.
  }
}

setInterval(() => { for (const card of cards.values()) card.renderElapsed(); }, 1000);
setInterval(refreshActive, 2000);
refreshActive();
showResumable();
const watchParameter = new URLSearchParams(location.search).get('watch');
if (watchParameter) watchById(watchParameter);
