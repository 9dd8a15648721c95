// One upload with tus-js-client's defaults (a single PATCH), timed.
// Usage: node tus-js-upload.mjs <endpoint> <file>; prints {"seconds": ...}.
import { createReadStream, statSync } from 'node:fs';
import * as tus from 'tus-js-client';

const [endpoint, file] = process.argv.slice(2);
const started = process.hrtime.bigint();
await new Promise((resolve, reject) => {
  new tus.Upload(createReadStream(file), {
    endpoint,
    uploadSize: statSync(file).size,
    chunkSize: statSync(file).size,
    metadata: { filename: 'bench.bin' },
    onError: reject,
    onSuccess: resolve,
  }).start();
});
console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
