// Uploads a small buffer with tus-js-client and the given metadata (JSON); prints one JSON line: the
// upload's URL on success, or what onError was given (its message and the response's status).
// Usage: node tus-create.mjs <endpoint> <metadata-json>
import * as tus from 'tus-js-client';

const [endpoint, metadata] = process.argv.slice(2);
const outcome = await new Promise((resolve) => {
  const upload = new tus.Upload(Buffer.from('hello, hooks'), {
    endpoint,
    metadata: JSON.parse(metadata),
    retryDelays: [],
    onError: (error) => resolve({ error: error.message, status: error.originalResponse?.getStatus() ?? null }),
    onSuccess: () => resolve({ url: upload.url }),
  });
  upload.start();
});
console.log(JSON.stringify(outcome));
