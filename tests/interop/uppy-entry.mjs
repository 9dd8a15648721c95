// Bundled by the page tests (esbuild) and loaded into a page of the service: Uppy with its tus plugin,
// as a web app would use it. window.uppyUpload(name, base64, parallel) uploads one file and resolves
// with the final upload's URL (or rejects with Uppy's error).
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';

window.uppyUpload = async (name, base64, parallel) => {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(Tus, { endpoint: '/api/uploads', parallelUploads: parallel, chunkSize: Math.ceil(bytes.length / parallel / 3), retryDelays: [0, 200, 500] });
  uppy.addFile({ name, type: 'application/octet-stream', data: new Blob([bytes]) });
  const result = await uppy.upload();
  if (result.failed.length > 0) throw new Error(String(result.failed[0].error));
  return result.successful[0].uploadURL;
};
