// One upload on the page. Its main figures come only from the server's status; what the browser
// has sent but the server has not confirmed shows as the lighter band.
import { bytes, duration, speed } from './format.js';
import { isTerminal } from './states.js';
const labels = {
  queued: 'queued', starting: 'starting', created: 'created', uploading: 'uploading', paused: 'paused', verifying: 'verifying', processing: 'processing',
  completed: 'completed', cancelled: 'cancelled', failed: 'failed', expired: 'expired', deleted: 'deleted', error: 'error',
};

export class UploadCard {
  constructor(list, name, size) {
    this.element = document.getElementById('card-template').content.firstElementChild.cloneNode(true);
    this.part = (selector) => this.element.querySelector(selector);
    this.part('.file-name').textContent = name;   // text, never markup
    this.size = size;
    this.status = null;
    this.sent = 0;
    this.setState('queued');
    list.prepend(this.element);
  }

  get id() { return this.status?.id ?? this.element.dataset.uploadId; }
  get finished() { return isTerminal(this.status?.state); }

  setId(id) {
    this.element.dataset.uploadId = id;
    this.part('.upload-id').textContent = `id ${id}`;
  }

  setState(state, stage) {
    this.element.dataset.state = state;
    // After the bytes the server names its stage: the one running, or the one that failed the file.
    const named = stage && (state === 'processing' || state === 'failed');
    this.element.dataset.stage = named ? stage : '';
    this.part('.state-badge').textContent = named ? `${labels[state]} · ${stage}` : labels[state] ?? state;
    this.controls();
  }

  /** A status from the server: the snapshot of Watch, a hub event or a REST answer. Never steps back. */
  apply(status) {
    if (!status) return;
    const previous = this.status;
    // The sequence grows with every stored change: an equal or lower one is a duplicate or overtaken.
    if (previous && status.sequence <= previous.sequence) return;
    if (previous && !isTerminal(status.state) && (isTerminal(previous.state) || status.bytesReceived < previous.bytesReceived)) return;
    this.status = status;
    this.setId(status.id);
    this.size = status.totalBytes ?? this.size;
    this.showError(status.state === 'failed' ? status.error : null);
    this.setState(status.state, status.stage);
    this.element.dataset.bytesReceived = String(status.bytesReceived);
    this.render();
  }

  /** Bytes the browser has handed to the network (not yet confirmed by the server). */
  setSent(sent) {
    this.sent = sent;
    this.render();
  }

  showError(message) {
    const error = this.part('.error');
    error.textContent = message ?? '';
    error.hidden = !message;
    // A failure the server recorded stays what it is; only a local one makes the card an error.
    if (message && !this.finished) this.setState('error');
  }

  render() {
    const status = this.status;
    const received = status?.bytesReceived ?? 0;
    const total = this.size;
    const percent = status?.percentage ?? (total ? (100 * received) / total : 0);
    const bar = this.part('.bar');
    bar.setAttribute('aria-valuenow', String(Math.round(percent)));
    bar.setAttribute('aria-valuetext', `${percent.toFixed(1)}% stored`);
    this.part('.bar-stored').style.width = `${percent}%`;
    this.part('.bar-sent').style.width = total ? `${Math.min(100, (100 * Math.max(this.sent, received)) / total)}%` : '0';
    this.part('.percentage').textContent = `${percent.toFixed(1)}%`;
    this.part('.bytes').textContent = `${bytes(received)} of ${bytes(total)}`;
    this.part('.speed').textContent = status?.state === 'uploading' ? speed(status.bytesPerSecond)
      : status?.state === 'completed' ? speed(averageSpeed(status)) : '–';
    this.part('.eta').textContent = status?.state === 'uploading' ? duration(status.etaSeconds) : '–';
    this.renderElapsed();
  }

  /** Time since the transfer started; for a finished upload, how long it took. */
  renderElapsed() {
    const seconds = this.status ? transferSeconds(this.status) : null;
    this.part('.elapsed').textContent = seconds == null ? '–' : duration(seconds);
  }

  /** Shows the buttons that make sense in the current state; actions given once are kept. */
  controls(actions = {}) {
    this.actions = { ...this.actions, ...actions };
    const { pause, resume, retry, cancel, dismiss, canPause } = this.actions;
    const state = this.element.dataset.state;
    const show = (selector, visible, action) => {
      const button = this.part(selector);
      button.hidden = !visible;
      if (action && !button.onclick) button.onclick = action;
    };
    show('.pause', canPause && (state === 'uploading' || state === 'starting' || state === 'created'), pause);
    show('.resume', canPause && state === 'paused', resume);
    show('.retry', state === 'error', retry);
    show('.cancel', Boolean(this.id) && !this.finished, cancel);
    show('.dismiss', this.finished || state === 'cancelled', dismiss);
    const download = this.part('.download');
    download.hidden = state !== 'completed';
    if (state === 'completed') download.href = `/api/uploads/${encodeURIComponent(this.id)}/content`;
  }
}

/** From the first writer to the end (completion, or the last stored byte of an upload that stopped), or to now. */
function transferSeconds(status) {
  if (!status.startedAt) return null;
  const end = status.completedAt ?? (isTerminal(status.state) ? status.lastByteAt ?? status.startedAt : null);
  return ((end ? Date.parse(end) : Date.now()) - Date.parse(status.startedAt)) / 1000;
}

/** A completed upload's average speed over its whole transfer. */
function averageSpeed(status) {
  const seconds = transferSeconds(status);
  return seconds > 0 ? status.bytesReceived / seconds : null;
}
