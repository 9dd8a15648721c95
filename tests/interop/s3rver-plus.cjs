#!/usr/bin/env node
'use strict';
// s3rver-plus: starts the S3 emulator s3rver@3.7.1 (npm, pinned in package.json) with what it lacks for
// a store written against the .NET AWS SDK v4 and real S3 to run on it unchanged in tests:
//  * signatures: every request must be signed with SigV4 (header or presigned query) by the configured
//    access key and secret; anything else is refused with 403 as S3 would (AccessDenied for unsigned,
//    InvalidAccessKeyId, SignatureDoesNotMatch). s3rver alone checks only that the access key exists,
//    so wrong secrets would pass.
//  * aws-chunked request bodies (STREAMING-* payloads, with or without trailers) are decoded, so the
//    object holds the data and not the chunk framing.
//  * multipart: ListParts (GET ?uploadId), AbortMultipartUpload (DELETE ?uploadId),
//    ListMultipartUploads (GET ?uploads), NoSuchUpload for an unknown, aborted or completed upload id
//    (s3rver itself crashes on a second CompleteMultipartUpload),
//    part numbers limited to 1..10000, CompleteMultipartUpload checked as S3 does (InvalidPart,
//    InvalidPartOrder, EntityTooSmall for a non-last part under 5 MiB; gaps in the numbers are allowed)
//    and the object's ETag made as S3 makes it: md5 of the parts' md5s, "-", the part count.
//  * conditional requests: If-Match / If-None-Match on GetObject and HeadObject (412 / 304), and on
//    PutObject and CompleteMultipartUpload (If-None-Match: * -> 412 when the key exists; If-Match ->
//    412 when the ETag differs, 404 NoSuchKey when there is no object). The condition is checked again
//    when the write lands, under one lock with every other write, so of two racing writers one loses.
//  * writes land whole or not at all: a body goes to a temporary file first and is renamed into place
//    only once complete, so an interrupted PutObject or UploadPart leaves the previous object or part.
//  * GetObject ranges as S3 reads them: "bytes=0-0", suffix ranges ("bytes=-N"), 416 for a range past
//    the end or on an empty object, and a malformed or multiple range ignored (whole object, 200).
//  * a body whose x-amz-content-sha256 is a hash must match it (400 XAmzContentSHA256Mismatch), and
//    nothing of it is kept.
//  * ListObjects and ListObjectsV2 as S3 answers them: keys in UTF-8 byte order (s3rver walks folders,
//    which puts "a/b" before "a-b"), common prefixes counted in max-keys, and continuation tokens that
//    work (s3rver's need DES, which Node 17+ no longer has: a truncated listing was a 500).
//  * DeleteObjects that keeps keys as written (s3rver's XML parser turns "007" into 7) and honours Quiet.
//  * keys that s3rver's folders cannot hold as they are ("a//b", "/a", "..", a segment over 200
//    bytes) are refused with 400 InvalidArgument instead of being kept under another name.
// Usage: node s3rver-plus.cjs -d <dir> [-a 127.0.0.1] [-p <port, 0 for any>] [-s]
//                             [--access-key S3RVER] [--secret-key S3RVER]
// Objects are kept in <dir> and outlive a restart. Prints "S3rver listening on <addr>:<port>" when ready;
// SIGTERM or SIGINT stops it.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { AsyncLocalStorage } = require('async_hooks');
const { Transform, Readable, pipeline } = require('stream');
const { pipeline: pipelineAsync } = require('stream/promises');
const S3rver = require('s3rver');
const S3Error = require('s3rver/lib/models/error');
const AWSAccount = require('s3rver/lib/models/account');

function arg(names, def) {
  const i = process.argv.findIndex(a => names.includes(a));
  return i >= 0 ? process.argv[i + 1] : def;
}
const directory = arg(['-d', '--directory']);
if (!directory) {
  console.error('usage: s3rver-plus.cjs -d <dir> [-a addr] [-p port] [-s] [--access-key K] [--secret-key S]');
  process.exit(2);
}
const address = arg(['-a', '--address'], '127.0.0.1');
const port = Number(arg(['-p', '--port'], '0'));
const silent = process.argv.includes('-s') || process.argv.includes('--silent');
const accessKey = arg(['--access-key'], 'S3RVER');
const secretKey = arg(['--secret-key'], 'S3RVER');
fs.mkdirSync(directory, { recursive: true });
for (const bucket of fs.readdirSync(directory, { withFileTypes: true }).filter(e => e.isDirectory())) {
  fs.rmSync(path.join(directory, bucket.name, '._S3rver_tmp'), { recursive: true, force: true }); // bodies a stop cut short
}

// s3rver's own checks (the routes it serves) look the key up in its registry: keep that in step.
if (accessKey !== 'S3RVER' || secretKey !== 'S3RVER') {
  AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKey, secretKey);
}

const MiB = 1024 * 1024;
const PRECONDITION = 'At least one of the pre-conditions you specified did not hold';
const preconditionFailed = condition => new S3Error('PreconditionFailed', PRECONDITION, { Condition: condition });
const noSuchKey = key => new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
const noSuchUpload = id => new S3Error('NoSuchUpload',
  'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  { UploadId: id });

// --- SigV4 --------------------------------------------------------------------------------------

const encode = s => encodeURIComponent(s).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const decode = s => { try { return decodeURIComponent(s); } catch { return s; } };
const sha256 = s => crypto.createHash('sha256').update(s).digest('hex');
const hmac = (key, s) => crypto.createHmac('sha256', key).update(s).digest();

function canonicalQuery(rawQuery, skip) {
  return (rawQuery ? rawQuery.split('&') : []).filter(Boolean)
    .map(p => { const i = p.indexOf('='); return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)]; })
    .map(([k, v]) => [encode(decode(k)), encode(decode(v))])
    .filter(([k]) => k !== skip)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalHeaders(req, signed) {
  const values = new Map();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1].trim().replace(/\s+/g, ' ');
    values.set(name, values.has(name) ? values.get(name) + ',' + value : value);
  }
  return signed.map(h => `${h}:${values.has(h) ? values.get(h) : ''}\n`).join('');
}

/** Refuses the request unless it is signed (SigV4) by the configured key pair, with S3's errors. */
function authenticate(ctx) {
  const req = ctx.req;
  const [rawPath, rawQuery = ''] = ctx.originalUrl.split(/\?(.*)/s);
  const query = ctx.query;
  let keyId, date, scope, signedHeaders, signature, payload;
  const authorization = ctx.get('authorization');
  if (authorization) {
    const m = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(authorization);
    if (!m) {
      throw new S3Error('AccessDenied', 'Only AWS4-HMAC-SHA256 signatures are accepted.');
    }
    const parts = new Map(m[1].split(',').map(p => p.trim()).map(p => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    if (!parts.get('Credential') || !parts.get('SignedHeaders') || !parts.get('Signature')) {
      throw new S3Error('AuthorizationHeaderMalformed',
        'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
    }
    [keyId, ...scope] = parts.get('Credential').split('/');
    signedHeaders = parts.get('SignedHeaders');
    signature = parts.get('Signature');
    date = ctx.get('x-amz-date') || ctx.get('date');
    payload = ctx.get('x-amz-content-sha256') || 'UNSIGNED-PAYLOAD';
  } else if (query['X-Amz-Algorithm'] === 'AWS4-HMAC-SHA256' && query['X-Amz-Credential'] && query['X-Amz-Signature']) {
    [keyId, ...scope] = String(query['X-Amz-Credential']).split('/');
    signedHeaders = String(query['X-Amz-SignedHeaders'] || 'host');
    signature = String(query['X-Amz-Signature']);
    date = String(query['X-Amz-Date'] || '');
    payload = ctx.get('x-amz-content-sha256') || 'UNSIGNED-PAYLOAD';
  } else {
    throw new S3Error('AccessDenied', 'Access Denied');
  }

  if (keyId !== accessKey) {
    throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: keyId });
  }
  const scopeText = scope.join('/');
  const signed = signedHeaders.split(';');
  const headerBlock = canonicalHeaders(req, signed);
  const queryText = canonicalQuery(rawQuery, authorization ? undefined : 'X-Amz-Signature');
  const signingKey = ['aws4_request'].reduce((key, part) => hmac(key, part),
    scope.slice(0, 3).reduce((key, part) => hmac(key, part), Buffer.from('AWS4' + secretKey)));
  // S3 signs the path as sent (encoded once); clients that normalise the encoding differently still
  // match the re-encoded form.
  const paths = [rawPath, rawPath.split('/').map(s => encode(decode(s))).join('/')];
  let canonical, stringToSign;
  for (const p of paths) {
    canonical = [ctx.method, p, queryText, headerBlock, signedHeaders, payload].join('\n');
    stringToSign = ['AWS4-HMAC-SHA256', date, scopeText, sha256(canonical)].join('\n');
    if (hmac(signingKey, stringToSign).toString('hex') === signature) {
      return;
    }
  }
  throw new S3Error('SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    { AWSAccessKeyId: keyId, StringToSign: stringToSign, SignatureProvided: signature, CanonicalRequest: canonical });
}

// --- aws-chunked: "<hex>[;chunk-signature=..]\r\n<data>\r\n ... 0[;...]\r\n[trailers]\r\n" ----------

class AwsChunkedDecoder extends Transform {
  constructor() { super(); this.buf = Buffer.alloc(0); this.remaining = -1; this.done = false; }
  _transform(chunk, enc, cb) {
    if (this.done) return cb();
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.remaining < 0) {                       // expecting a chunk header line
        const nl = this.buf.indexOf('\r\n');
        if (nl < 0) break;
        const size = parseInt(this.buf.subarray(0, nl).toString('latin1').split(';')[0], 16);
        if (Number.isNaN(size)) return cb(new Error('bad aws-chunked header'));
        this.buf = this.buf.subarray(nl + 2);
        if (size === 0) { this.done = true; this.buf = Buffer.alloc(0); break; } // trailers are not kept
        this.remaining = size;
      } else if (this.remaining > 0) {               // chunk data
        if (this.buf.length === 0) break;
        const n = Math.min(this.remaining, this.buf.length);
        this.push(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        this.remaining -= n;
      } else {                                       // CRLF after chunk data
        if (this.buf.length < 2) break;
        this.buf = this.buf.subarray(2);
        this.remaining = -1;
      }
    }
    cb();
  }
  _flush(cb) { cb(this.done ? null : new Error('truncated aws-chunked body')); }
}

// --- the store: whole writes, one lock for every commit, ranges and listing as S3 does them ------

// The request's conditions (If-Match / If-None-Match), for the write that lands under the lock.
const conditions = new AsyncLocalStorage();
let commits = Promise.resolve();
/** Runs fn alone among commits, deletions and reads of metadata: they are all short. */
function exclusive(fn) {
  const run = commits.then(() => fn());
  commits = run.catch(() => {});
  return run;
}

const readBody = req => new Promise((res, rej) => {
  const b = [];
  req.on('data', d => b.push(d)).on('end', () => res(Buffer.concat(b))).on('error', rej);
});
const unescapeXml = s => s.replace(/&(#x[0-9a-f]+|#\d+|quot|apos|lt|gt|amp);/gi, (_, e) =>
  e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
    : { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' }[e.toLowerCase()]);
const byUtf8 = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const etagList = h => h.split(',').map(s => s.trim().replace(/^W\//, '').replace(/"/g, ''));

function patchStore(store) {
  const uploadsDir = bucket => store.getResourcePath(bucket, undefined, 'uploads');
  const tmpDir = bucket => path.join(store.getBucketPath(bucket), '._S3rver_tmp');
  const currentEtag = async (bucket, key) => {
    try { return (await store.getMetadata(bucket, key)).etag.replace(/"/g, ''); } catch { return null; }
  };
  const checkWrite = async (cond, bucket, key) => {
    if (!cond || cond.bucket !== bucket || cond.key !== key || (!cond.ifMatch && !cond.ifNoneMatch)) return;
    const etag = await currentEtag(bucket, key);
    if (cond.ifNoneMatch === '*' && etag) throw preconditionFailed('If-None-Match');
    if (cond.ifMatch) {
      if (!etag) throw noSuchKey(key);
      if (!etagList(cond.ifMatch).some(e => e === '*' || e === etag)) throw preconditionFailed('If-Match');
    }
  };

  /** Writes a body to a file of its own; on any failure (a client that went away) nothing is left. */
  async function writeTemporary(bucket, content) {
    fs.mkdirSync(tmpDir(bucket), { recursive: true });
    const tmp = path.join(tmpDir(bucket), crypto.randomBytes(12).toString('hex'));
    const md5 = crypto.createHash('md5');
    let size = 0;
    try {
      if (Buffer.isBuffer(content)) {
        md5.update(content); size = content.length;
        await fs.promises.writeFile(tmp, content);
      } else {
        const count = new Transform({ transform(chunk, enc, cb) { md5.update(chunk); size += chunk.length; cb(null, chunk); } });
        await pipelineAsync(content, count, fs.createWriteStream(tmp));
      }
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    return { tmp, size, md5: md5.digest('hex') };
  }

  /** Puts a finished body in place, if the request's conditions still hold; `upload` ends with it. */
  async function commitObject(cond, bucket, key, tmp, metadata, etag, upload) {
    try {
      await exclusive(async () => {
        if (upload && !fs.existsSync(path.join(upload.dir, 'key'))) throw noSuchUpload(upload.id); // aborted or completed meanwhile
        await checkWrite(cond, bucket, key);
        const objectPath = store.getResourcePath(bucket, key, 'object');
        fs.mkdirSync(path.dirname(objectPath), { recursive: true });
        await store.putMetadata(bucket, key, metadata, etag);
        fs.renameSync(tmp, objectPath);
        if (upload) fs.rmSync(upload.dir, { recursive: true, force: true });
      });
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  store.putObject = async function putObject(object) {
    const cond = conditions.getStore();
    const { tmp, size, md5 } = await writeTemporary(object.bucket, object.content);
    await commitObject(cond, object.bucket, object.key, tmp, object.metadata, md5);
    return { size, md5 };
  };

  store.putPart = async function putPart(bucket, uploadId, partNumber, content) {
    const { tmp, size, md5 } = await writeTemporary(bucket, content);
    try {
      await exclusive(() => {
        const udir = path.join(uploadsDir(bucket), uploadId);
        if (!fs.existsSync(path.join(udir, 'key'))) throw noSuchUpload(uploadId); // aborted meanwhile
        const partPath = path.join(udir, String(Number(partNumber)));
        fs.writeFileSync(partPath + '.md5', md5);
        fs.renameSync(tmp, partPath);
      });
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return { size, md5 };
  };

  store.putObjectMultipart = async function putObjectMultipart(bucket, uploadId, parts) {
    const cond = conditions.getStore();
    const udir = path.join(uploadsDir(bucket), uploadId);
    let key, metadata;
    try {
      key = fs.readFileSync(path.join(udir, 'key'), 'utf8');
      metadata = JSON.parse(fs.readFileSync(path.join(udir, 'metadata'), 'utf8'));
    } catch {
      throw noSuchUpload(uploadId);
    }
    const numbers = parts.map(p => p.number).sort((a, b) => a - b);
    const md5s = numbers.map(n => Buffer.from(fs.readFileSync(path.join(udir, `${n}.md5`), 'utf8').trim(), 'hex'));
    const { tmp, size } = await writeTemporary(bucket, Readable.from((async function* () {
      for (const n of numbers) yield* fs.createReadStream(path.join(udir, String(n)));
    })()));
    const etag = crypto.createHash('md5').update(Buffer.concat(md5s)).digest('hex') + '-' + md5s.length;
    await commitObject(cond, bucket, key, tmp, metadata, etag, { dir: udir, id: uploadId });
    return { size, md5: etag };
  };

  const deleteObject = store.deleteObject.bind(store);
  store.deleteObject = (bucket, key) => exclusive(() => deleteObject(bucket, key));

  // Ranges: s3rver loses an end of 0 ("bytes=0-0" gives the whole object) and answers a range on an
  // empty object with a length it does not send.
  store.getObject = async function getObject(bucket, key, options = {}) {
    return exclusive(async () => {
      let metadata;
      try {
        metadata = await store.getMetadata(bucket, key);
      } catch (err) {
        if (err.code === 'ENOENT') return null;
        throw err;
      }
      const S3Object = require('s3rver/lib/models/object');
      const size = Number(metadata['content-length']);
      let range;
      if (options.start !== undefined) {
        range = { start: options.start, end: options.end === undefined ? size - 1 : Math.min(options.end, size - 1) };
        if (range.start >= size || range.end < range.start) {
          const object = new S3Object(bucket, key, null, metadata);
          object.range = range;
          return object;
        }
      }
      const content = await new Promise((resolve, reject) => {
        const stream = fs.createReadStream(store.getResourcePath(bucket, key, 'object'), range || {})
          .on('error', reject).on('open', () => resolve(stream));
      });
      const object = new S3Object(bucket, key, content, metadata);
      if (range) object.range = range;
      return object;
    });
  };

  // Listing as S3 does it: keys in UTF-8 byte order, keys and common prefixes both counting towards
  // max-keys, and a page that ends on a common prefix going on after every key under it.
  store.listObjects = async function listObjects(bucket, options) {
    const { delimiter = '', startAfter = '', prefix = '', maxKeys = 1000 } = options;
    const bucketPath = store.getBucketPath(bucket);
    const suffix = '._S3rver_object';
    const found = [];
    const walk = dir => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (dir !== bucketPath || !entry.name.startsWith('._S3rver_')) walk(full); // uploads, temporary files
        } else if (entry.name.endsWith(suffix)) {
          found.push(full.slice(bucketPath.length + 1, -suffix.length).split(path.sep).join('/'));
        }
      }
    };
    walk(bucketPath);
    const pastPrefix = delimiter && startAfter.endsWith(delimiter) && startAfter.startsWith(prefix) &&
      startAfter.indexOf(delimiter, prefix.length) === startAfter.length - delimiter.length;
    const keys = found
      .filter(k => k.startsWith(prefix) && (!startAfter || byUtf8(k, startAfter) > 0) && !(pastPrefix && k.startsWith(startAfter)))
      .sort(byUtf8);
    const objects = [], commonPrefixes = [];
    let isTruncated = false, last;
    for (const key of keys) {
      const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      const common = at >= 0 ? key.slice(0, at + delimiter.length) : null;
      if (common && common === last) continue;
      if (objects.length + commonPrefixes.length >= maxKeys) { isTruncated = true; break; }
      if (common) commonPrefixes.push(common); else objects.push(key);
      last = common || key;
    }
    const S3Object = require('s3rver/lib/models/object');
    const listed = [];
    for (const key of objects) {
      try { listed.push(new S3Object(bucket, key, null, await store.getMetadata(bucket, key))); } catch { /* deleted meanwhile */ }
    }
    return { objects: listed, commonPrefixes, isTruncated, last };
  };
}

// --- the routes s3rver lacks or gets wrong, ahead of its router --------------------------------

function extras(app) {
  const store = app.store;
  patchStore(store);
  const uploadsDir = bucket => store.getResourcePath(bucket, undefined, 'uploads');
  const bucketMustExist = async bucket => {
    if (!(await store.getBucket(bucket))) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  };

  const bucketSubresources = new Set([...require('s3rver/lib/controllers/bucket').METHODS,
    'accelerate', 'intelligent-tiering', 'logging', 'ownershipControls', 'requestPayment', 'versioning']);

  // s3rver's own listing breaks on a truncated ListObjectsV2 (its continuation token needs DES, which
  // Node 17+ no longer has) and lists in folder order.
  async function listBucket(bucket, q) {
    const v2 = q['list-type'] === '2';
    let maxKeys = 1000;
    if (q['max-keys'] !== undefined) {
      if (!/^\d+$/.test(q['max-keys'])) {
        throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range',
          { ArgumentName: 'max-keys', ArgumentValue: q['max-keys'] });
      }
      maxKeys = Math.min(1000, Number(q['max-keys']));
    }
    const prefix = q.prefix || '', delimiter = q.delimiter || '';
    let startAfter = v2 ? q['start-after'] || '' : q.marker || '';
    if (v2 && q['continuation-token']) {
      const token = Buffer.from(String(q['continuation-token']), 'base64url').toString('utf8');
      if (!token.startsWith(bucket + '/')) {
        throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
      }
      startAfter = token.slice(bucket.length + 1);
    }
    const listed = maxKeys === 0 ? { objects: [], commonPrefixes: [], isTruncated: false }
      : await store.listObjects(bucket, { prefix, delimiter, startAfter, maxKeys });
    const owner = { ID: AWSAccount.DUMMY_ACCOUNT.id, DisplayName: AWSAccount.DUMMY_ACCOUNT.displayName };
    return { ListBucketResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Name: bucket,
      Prefix: prefix,
      ...(v2 ? {
        ContinuationToken: q['continuation-token'] || undefined,
        NextContinuationToken: listed.isTruncated ? Buffer.from(`${bucket}/${listed.last}`).toString('base64url') : undefined,
        StartAfter: q['start-after'] || undefined,
        KeyCount: listed.objects.length + listed.commonPrefixes.length,
      } : {
        Marker: q.marker || '',
        NextMarker: delimiter && listed.isTruncated ? listed.last : undefined,
      }),
      MaxKeys: maxKeys,
      Delimiter: delimiter || undefined,
      IsTruncated: listed.isTruncated,
      Contents: listed.objects.map(o => ({
        Key: o.key,
        LastModified: o.lastModifiedDate.toISOString(),
        ETag: o.metadata.etag,
        Size: o.size,
        Owner: !v2 || q['fetch-owner'] === 'true' ? owner : undefined,
        StorageClass: 'STANDARD',
      })),
      CommonPrefixes: listed.commonPrefixes.map(p => ({ Prefix: p })),
    } };
  }

  return async function s3rverPlus(ctx, next) {
    authenticate(ctx);

    const m = ctx.path.match(/^\/([^/]+)(?:\/(.*))?$/);
    if (!m) return next();
    const bucket = m[1];
    const key = m[2] ? decode(m[2]) : '';
    const q = ctx.query;
    // s3rver keeps a key as folders and a file: keys that folders cannot hold as they are would be
    // kept under another key or outside the bucket, so they are refused rather than mangled
    const segments = key.split('/');
    if (segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1)) || segments.some(s => Buffer.byteLength(s) > 200)) {
      throw new S3Error('InvalidArgument', 's3rver cannot keep this key: it has an empty, "." or ".." segment, or one over 200 bytes.',
        { ArgumentName: 'key', ArgumentValue: key });
    }

    // a body signed by its SHA-256 must have it, or nothing of it is kept
    const sha = ctx.get('x-amz-content-sha256');
    if (/^[0-9a-f]{64}$/i.test(sha) && (ctx.method === 'PUT' || ctx.method === 'POST')) {
      const hash = crypto.createHash('sha256');
      const checked = new Transform({
        transform(chunk, enc, cb) { hash.update(chunk); cb(null, chunk); },
        flush(cb) {
          const got = hash.digest('hex');
          if (got === sha.toLowerCase()) return cb();
          const err = new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.",
            { ClientComputedContentSHA256: sha, S3ComputedContentSHA256: got });
          err.status = 400; // a code s3rver does not know
          cb(err);
        },
      });
      pipeline(ctx.req, checked, () => {});
      checked.headers = ctx.req.headers;
      ctx.req = checked;
    }

    // aws-chunked bodies: strip the framing so the stored bytes are the data
    const ce = ctx.get('content-encoding');
    if (sha.startsWith('STREAMING-') || /\baws-chunked\b/.test(ce)) {
      const decoded = new AwsChunkedDecoder();
      pipeline(ctx.req, decoded, () => {}); // a client that goes away fails the body, not just stops it
      decoded.headers = ctx.req.headers;
      const rest = ce.split(',').map(s => s.trim()).filter(s => s && s !== 'aws-chunked');
      if (rest.length) ctx.req.headers['content-encoding'] = rest.join(','); else delete ctx.req.headers['content-encoding'];
      if (ctx.get('x-amz-decoded-content-length')) ctx.req.headers['content-length'] = ctx.get('x-amz-decoded-content-length');
      delete ctx.req.headers['x-amz-trailer'];
      ctx.req = decoded; // s3rver's controllers read ctx.req as the body stream
    }

    if (!key && ctx.method === 'GET' && 'uploads' in q) {          // ListMultipartUploads
      await bucketMustExist(bucket);
      const dir = uploadsDir(bucket);
      const ids = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      const uploads = [];
      for (const id of ids) {
        let k, initiated;
        try {
          k = fs.readFileSync(path.join(dir, id, 'key'), 'utf8');
          initiated = fs.statSync(path.join(dir, id, 'key')).mtime.toISOString();
        } catch { continue; } // completed or aborted meanwhile
        if (q.prefix && !k.startsWith(q.prefix)) continue;
        uploads.push({ Key: k, UploadId: id, StorageClass: 'STANDARD', Initiated: initiated });
      }
      uploads.sort((a, b) => byUtf8(a.Key, b.Key) || (a.Initiated < b.Initiated ? -1 : 1));
      ctx.body = { ListMultipartUploadsResult: {
        Bucket: bucket, KeyMarker: '', UploadIdMarker: '', MaxUploads: 1000, IsTruncated: false,
        ...(q.prefix ? { Prefix: q.prefix } : {}), Upload: uploads } };
      return;
    }

    if (!key && ctx.method === 'GET' && !Object.keys(q).some(p => bucketSubresources.has(p))) { // ListObjects(V2)
      await bucketMustExist(bucket);
      ctx.body = await listBucket(bucket, q);
      return;
    }

    if (!key && ctx.method === 'POST' && 'delete' in q) {           // DeleteObjects
      await bucketMustExist(bucket);
      const xml = (await readBody(ctx.req)).toString('utf8');
      const objects = [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)]
        .map(([, o]) => (o.match(/<Key>([\s\S]*?)<\/Key>/) || [])[1]).filter(k => k !== undefined).map(unescapeXml);
      if (!objects.length || objects.length > 1000) {
        throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
      }
      const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(xml);
      for (const k of objects) {
        if (await store.existsObject(bucket, k)) await store.deleteObject(bucket, k);
      }
      ctx.body = { DeleteResult: {
        '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
        ...(quiet ? {} : { Deleted: objects.map(k => ({ Key: k })) }) } };
      return;
    }

    const cond = { bucket, key, ifMatch: ctx.get('if-match'), ifNoneMatch: ctx.get('if-none-match') };

    if (key && q.uploadId !== undefined) {
      const udir = path.join(uploadsDir(bucket), String(q.uploadId));
      const exists = /^[0-9a-f]+$/i.test(q.uploadId) && fs.existsSync(path.join(udir, 'key')) &&
        fs.readFileSync(path.join(udir, 'key'), 'utf8') === key;
      if (!exists && ['GET', 'PUT', 'POST', 'DELETE'].includes(ctx.method)) throw noSuchUpload(q.uploadId);
      if (ctx.method === 'PUT' && !(/^\d+$/.test(q.partNumber) && Number(q.partNumber) >= 1 && Number(q.partNumber) <= 10000)) {
        throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive',
          { ArgumentName: 'partNumber', ArgumentValue: q.partNumber });
      }
      if (ctx.method === 'DELETE') {                                   // AbortMultipartUpload
        await exclusive(() => fs.rmSync(udir, { recursive: true, force: true }));
        ctx.status = 204;
        return;
      }
      if (ctx.method === 'POST') {                                     // CompleteMultipartUpload: checked as S3 does
        const body = await readBody(ctx.req);
        const xml = body.toString('utf8');
        const listed = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, p]) => ({
          n: Number((p.match(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/) || [])[1]),
          etag: unescapeXml((p.match(/<ETag>([\s\S]*?)<\/ETag>/) || [])[1] || '').replace(/"/g, '').trim() }));
        if (listed.some((p, i) => i > 0 && p.n <= listed[i - 1].n)) {
          throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
        }
        for (const { n, etag } of listed) {
          let md5 = null;
          try { md5 = fs.readFileSync(path.join(udir, `${n}.md5`), 'utf8').trim(); } catch { }
          if (!md5 || md5 !== etag) throw new S3Error('InvalidPart', 'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part\'s entity tag.', { PartNumber: n, ETag: etag });
        }
        for (const { n } of listed.slice(0, -1)) {
          if (fs.statSync(path.join(udir, String(n))).size < 5 * MiB) throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', { PartNumber: n });
        }
        const r = Readable.from([body]); r.headers = ctx.req.headers; ctx.req = r;
        return conditions.run(cond, next);
      }
      if (ctx.method === 'GET') {                                      // ListParts
        const marker = Number(q['part-number-marker'] || 0);
        const max = Math.min(Number(q['max-parts'] || 1000), 1000);
        const nums = fs.readdirSync(udir).filter(f => /^\d+$/.test(f)).map(Number).filter(n => n > marker).sort((a, b) => a - b);
        const page = nums.slice(0, max);
        const parts = [];
        for (const n of page) {
          const p = path.join(udir, String(n));
          const st = fs.statSync(p);
          parts.push({ PartNumber: n, LastModified: st.mtime.toISOString(), ETag: JSON.stringify(fs.readFileSync(p + '.md5', 'utf8').trim()), Size: st.size });
        }
        ctx.body = { ListPartsResult: {
          Bucket: bucket, Key: key, UploadId: q.uploadId, StorageClass: 'STANDARD',
          PartNumberMarker: marker, NextPartNumberMarker: page.length ? page[page.length - 1] : marker,
          MaxParts: max, IsTruncated: nums.length > page.length, Part: parts } };
        return;
      }
    }

    if (key && (ctx.method === 'GET' || ctx.method === 'HEAD') && q.uploadId === undefined) {
      // conditions on reads
      if (cond.ifMatch || cond.ifNoneMatch) {
        let etag = null;
        try { etag = (await store.getMetadata(bucket, key)).etag.replace(/"/g, ''); } catch { }
        if (cond.ifMatch && etag && !etagList(cond.ifMatch).some(e => e === '*' || e === etag)) throw preconditionFailed('If-Match');
        if (cond.ifNoneMatch && etag && etagList(cond.ifNoneMatch).some(e => e === '*' || e === etag)) { ctx.status = 304; return; }
        delete ctx.req.headers['if-none-match']; // already answered; s3rver would compare it again, quoted
      }
      // ranges: one "bytes=first-[last]" or "bytes=-suffix"; anything else is ignored, as S3 does
      const range = ctx.get('range');
      if (range) {
        const r = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
        if (!r || (!r[1] && !r[2]) || (r[1] && r[2] && Number(r[2]) < Number(r[1]))) {
          delete ctx.req.headers['range'];
        } else if (!r[1]) {
          let size = null;
          try { size = Number((await store.getMetadata(bucket, key))['content-length']); } catch { }
          if (size !== null) {
            if (Number(r[2]) === 0 || size === 0) {
              throw new S3Error('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: range, ActualObjectSize: size });
            }
            ctx.req.headers['range'] = `bytes=${Math.max(0, size - Number(r[2]))}-${size - 1}`;
          }
        }
      }
    }

    if (key && ctx.method === 'PUT' && q.uploadId === undefined && !('partNumber' in q) && (cond.ifMatch || cond.ifNoneMatch)) {
      // conditions on writes: refused before the body when they already fail; checked again when it lands
      await exclusive(async () => {
        let etag = null;
        try { etag = (await store.getMetadata(bucket, key)).etag.replace(/"/g, ''); } catch { }
        if (cond.ifNoneMatch === '*' && etag) throw preconditionFailed('If-None-Match');
        if (cond.ifMatch && !etag) throw noSuchKey(key);
        if (cond.ifMatch && !etagList(cond.ifMatch).some(e => e === '*' || e === etag)) throw preconditionFailed('If-Match');
      });
      return conditions.run(cond, next);
    }
    return next();
  };
}

const app = new S3rver({ directory, address, port, silent });
// just before the router (the last middleware): after vhost/path handling and XML rendering
app.middleware.splice(app.middleware.length - 1, 0, extras(app));
app.run().then(({ address: a, port: p }) => {
  console.log(`S3rver listening on ${a}:${p}`);
}, err => { console.error(err); process.exit(1); });

// Every write is on disk once answered: stop taking requests, let those under way finish briefly, exit.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    setTimeout(() => process.exit(0), 3000).unref();
    if (!app.httpServer) process.exit(0);
    app.httpServer.close(() => process.exit(0));
    app.httpServer.closeIdleConnections();
  });
}
