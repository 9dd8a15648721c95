// The tus reference server for Node (@tus/server with @tus/file-store), as the benchmark's peer.
// Usage: node tus-node-server.mjs <port> <directory>; prints "ready" once listening on 127.0.0.1.
import http from 'node:http';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const [port, directory] = process.argv.slice(2);
const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) });
http.createServer((req, res) => tus.handle(req, res)).listen(Number(port), '127.0.0.1', () => console.log('ready'));
