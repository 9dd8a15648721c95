// Uploads a file with tus-js-client in parallel parts (tus concatenation) and prints one JSON line:
// the final upload's URL, or what onError was given.
// Usage: node tus-parallel.mjs <endpoint> <file> <parts>
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as tus from 'tus-js-client';

const [endpoint, file, parts] = process.argv.slice(2);
const data = await readFile(file);
const outcome = await new Promise((resolve) => {
  const upload = new tus.Upload(data, {
    endpoint,
    parallelUploads: Number(parts),
    chunkSize: Math.ceil(data.length / Number(parts) / 3),
    retryDelays: [0, 200, 500],
    metadata: { filename: basename(file), filetype: 'application/octet-stream' },
    onError: (error) => resolve({ error: error.message }),
    onSuccess: () => resolve({ url: upload.url }),
  });
  upload.start();
});
console.log(JSON.stringify(outcome));
