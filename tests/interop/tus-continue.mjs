// Continues an upload the server already holds part of, as tus-js-client does after a reload or a
// dropped request: a HEAD for its offset, then the rest, retrying what tus-js-client retries.
// With --spend-rate-limit it sends HEADs of its own just before the client's first request until the
// server refuses one, so that request arrives past the rate limit.
// Usage: node tus-continue.mjs <endpoint> <upload url> <file> [--spend-rate-limit]
// Prints a JSON line per response the client got, then one with its url as it finished and the
// offset it resumed from.
import { readFile } from 'node:fs/promises';
import * as tus from 'tus-js-client';

const [endpoint, uploadUrl, file, spend] = process.argv.slice(2);
const data = await readFile(file);
let spendFirst = spend === '--spend-rate-limit';
async function spendRateLimit() {
  let refusedWith = null;
  while (refusedWith === null) {
    const answer = await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    refusedWith = answer.ok ? null : answer.status;
  }

  console.log(JSON.stringify({ event: 'spent', status: refusedWith }));
}

const result = await new Promise((resolve, reject) => {
  let resumedFrom = null;
  const upload = new tus.Upload(data, {
    endpoint,
    uploadUrl,
    retryDelays: [500, 1000, 2000, 2000, 2000, 2000, 2000, 2000],
    // Spent just before the client's first request, so that no new window opens between the two.
    onBeforeRequest: async () => {
      if (spendFirst) {
        spendFirst = false;
        await spendRateLimit();
      }
    },
    onAfterResponse: (req, res) => console.log(JSON.stringify({ event: 'response', method: req.getMethod(), status: res.getStatus() })),
    onError: reject,
    onProgress: (sent) => { resumedFrom ??= sent; },
    onSuccess: () => resolve({ url: upload.url, resumedFrom }),
  });
  upload.start();
});

console.log(JSON.stringify({ event: 'finished', ...result, size: data.length }));
