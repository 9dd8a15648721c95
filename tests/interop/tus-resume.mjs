// Uploads a file with tus-js-client, aborts half way, resumes from the server's offset and finishes.
// Usage: node tus-resume.mjs <endpoint> <file> [protocol]; the protocol is tus-js-client's own option
// (tus-v1, the default, or one of its IETF draft modes). Prints one JSON line describing what happened.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as tus from 'tus-js-client';

const [endpoint, file, protocol = 'tus-v1'] = process.argv.slice(2);
const data = await readFile(file);
const chunkSize = Math.ceil(data.length / 8);
const common = { endpoint, protocol, chunkSize, retryDelays: [0, 200, 500], metadata: { filename: basename(file), filetype: 'application/octet-stream' } };

const firstHalf = await new Promise((resolve, reject) => {
  const upload = new tus.Upload(data, {
    ...common,
    onError: reject,
    onSuccess: () => reject(new Error('finished before it could be aborted')),
    onChunkComplete: (_chunk, sent, total) => {
      if (sent >= total / 2) {
        upload.abort().then(() => resolve({ url: upload.url, abortedAt: sent }), reject);
      }
    },
  });
  upload.start();
});

const resumed = await new Promise((resolve, reject) => {
  let resumedFrom = null;
  const upload = new tus.Upload(data, {
    ...common,
    uploadUrl: firstHalf.url,
    onError: reject,
    onProgress: (sent) => { resumedFrom ??= sent; },
    onSuccess: () => resolve({ resumedFrom }),
  });
  upload.start();
});

console.log(JSON.stringify({ ...firstHalf, ...resumed, size: data.length }));
