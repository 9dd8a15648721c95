// Sends files with tus-js-client, a few at a time; the rest wait in a queue. Every upload is
// watched on the hub as soon as the server has given it an id.
import * as tus from 'tus-js-client';
import { UploadCard } from './card.js';
import { authorization } from './access.js';

const concurrency = 3;

export function createUploader({ list, hub, cards, forget }) {
  const queue = [];
  let running = 0;

  function add(file) {
    const job = { file, card: new UploadCard(list, file.name, file.size), upload: null, running: false, cancelled: false };
    job.card.controls({
      canPause: true, pause: () => pause(job), resume: () => enqueue(job, true), retry: () => retry(job), cancel: () => cancel(job), dismiss: () => forget(job.card),
    });
    queue.push(job);
    pump();
    return job.card;
  }

  function enqueue(job, first) {
    if (first) queue.unshift(job); else queue.push(job);
    job.card.setState('queued');
    refresh(job);
    pump();
  }

  function pump() {
    while (running < concurrency && queue.length > 0) start(queue.shift());
  }

  function stopped(job) {
    if (job.running) {
      job.running = false;
      running -= 1;
    }
    refresh(job);
    pump();
  }

  async function start(job) {
    job.running = true;
    running += 1;
    job.card.setState('starting');
    refresh(job);
    job.upload ??= new tus.Upload(job.file, {
      endpoint: '/api/uploads',
      metadata: { filename: job.file.name, filetype: job.file.type || 'application/octet-stream' },
      retryDelays: [0, 1000, 3000, 5000],
      // A body the server cut for arriving too slowly (408) is kept up to its offset: resume, as after a 5xx.
      onShouldRetry: (error, attempt, options) =>
        error?.originalResponse?.getStatus?.() === 408 || tus.defaultOptions.onShouldRetry(error, attempt, options),
      removeFingerprintOnSuccess: true,
      headers: authorization(),
      onUploadUrlAvailable: () => watch(job),
      onProgress: (sent) => job.card.setSent(sent),
      onError: (error) => {
        stopped(job);
        if (!job.cancelled) job.card.showError(describe(error));
        refresh(job);
      },
      onSuccess: () => stopped(job),
    });
    if (!job.upload.url) {
      // A file this browser sent part of before (even before a reload) continues where the server is.
      const previous = await job.upload.findPreviousUploads();
      if (previous.length > 0) job.upload.resumeFromPreviousUpload(previous[0]);
    }
    job.upload.start();
  }

  async function watch(job) {
    const id = job.upload.url.split('/').pop();
    job.card.setId(id);
    cards.set(id, job.card);
    try {
      job.card.apply(await hub.watch(id));
    } catch {
      // The card still shows what the browser sends; the hub catches up once it is back.
    }
    refresh(job);
  }

  async function pause(job) {
    await job.upload?.abort();
    stopped(job);
  }

  function retry(job) {
    job.card.showError(null);
    enqueue(job, false);
  }

  async function cancel(job) {
    job.cancelled = true;
    const index = queue.indexOf(job);
    if (index >= 0) queue.splice(index, 1);
    try {
      if (job.card.id) {
        // The grain stops the transfer wherever it runs; the card turns cancelled when the server says so.
        job.card.apply(await hub.cancel(job.card.id));
      } else {
        job.card.setState('cancelled');
      }
    } catch (failure) {
      job.card.showError(failure?.message ?? 'The server could not cancel the upload. Retry.');
    } finally {
      await job.upload?.abort();
      stopped(job);
    }
  }

  function refresh(job) {
    job.card.controls();
  }

  return { add };
}

/** What went wrong, in words a person understands. */
export function describe(error) {
  const status = error?.originalResponse?.getStatus?.();
  const detail = problemDetail(error);
  // The server's own words when it refused the file itself (a processing stage, a creation hook).
  if (detail && (status === 422 || status === 400 || status === 403)) return detail;
  if (status === 413) return 'This file is larger than the server accepts.';
  if (status === 460) return 'The file arrived damaged (checksum mismatch). Retry to send it again.';
  if (status === 404 || status === 410) return 'The server no longer has this upload.';
  if (status === 408) return 'The connection was too slow; the server kept what arrived. Retry to continue.';
  if (status === 503) return 'The server is recovering from a failure. Retry in a moment.';
  if (!status) return 'The server cannot be reached. Check the connection, then retry.';
  return `The server refused the upload (HTTP ${status}).`;
}

/** The `detail` of a problem-details answer, if the server gave one. */
function problemDetail(error) {
  try {
    return JSON.parse(error?.originalResponse?.getBody?.() ?? '')?.detail ?? null;
  } catch {
    return null;
  }
}
