// Uploads a file with tus-js-client (default retries) in chunks, paced so that a test can break
// the cluster mid-transfer. If an API instance stays unreachable after the retries, the upload
// goes on through the next endpoint from the offset that server reports.
// Usage: node tus-cluster.mjs <endpoint[,endpoint...]> <file> <chunkBytes> <pauseMs>
// Prints one JSON line per stored chunk and a last line with the outcome.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as tus from 'tus-js-client';

const [endpointList, file, chunkSize, pauseMs] = process.argv.slice(2);
const endpoints = endpointList.split(',');
const data = await readFile(file);
const started = Date.now();
const say = (line) => console.log(JSON.stringify({ ...line, ms: Date.now() - started }));
let retries = 0;
let url = null;

for (const [index, endpoint] of endpoints.entries()) {
  try {
    await new Promise((resolve, reject) => {
      const upload = new tus.Upload(data, {
        endpoint,
        uploadUrl: url ? new URL(new URL(url).pathname, endpoint).href : undefined,
        chunkSize: Number(chunkSize),
        metadata: { filename: basename(file) },
        onBeforeRequest: (request) =>
          request.getMethod() === 'PATCH' ? new Promise((done) => setTimeout(done, Number(pauseMs))) : undefined,
        onShouldRetry: (error, attempt, options) => {
          retries += 1;
          say({ event: 'retry', status: error.originalResponse?.getStatus() ?? null, attempt, message: String(error).slice(0, 300) });
          return tus.defaultOptions.onShouldRetry ? tus.defaultOptions.onShouldRetry(error, attempt, options) : true;
        },
        onUploadUrlAvailable: () => { url = upload.url; say({ event: 'created', url }); },
        onChunkComplete: (_chunk, sent) => say({ event: 'chunk', sent, endpoint: index }),
        onSuccess: resolve,
        onError: reject,
      });
      upload.start();
    });
    say({ event: 'done', url, retries, endpoint: index });
    process.exit(0);
  } catch (error) {
    say({ event: 'endpoint-failed', endpoint: index, message: String(error) });
  }
}
process.exit(1);
