// The live connection to /hubs/uploads: watches uploads, re-watches them after a reconnect,
// and reports its own state for the connection indicator.
import * as signalR from '@microsoft/signalr';
import { accessToken } from './access.js';
import { cancelUpload } from './api.js';

const events = ['UploadProgress', 'UploadCompleted', 'UploadCancelled', 'UploadDeleted', 'UploadFailed'];

export function createHub({ onStatus, onConnectionState }) {
  const watched = new Set();
  const connection = new signalR.HubConnectionBuilder()
    // WebSockets only, without the negotiate request: behind a load balancer that spreads requests over
    // several API instances, the connection then never depends on reaching the instance that negotiated.
    .withUrl('/hubs/uploads', {
      accessTokenFactory: () => accessToken() ?? '', skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets,
    })
    // Keep trying for as long as the page is open; a person should never have to reload.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => Math.min(1000 * 2 ** retry.previousRetryCount, 10000) })
    .build();

  for (const name of events) connection.on(name, onStatus);
  connection.onreconnecting(() => onConnectionState('reconnecting'));
  connection.onreconnected(() => { onConnectionState('connected'); rewatch(); });
  connection.onclose(() => { onConnectionState('disconnected'); setTimeout(start, 5000); });

  const started = start();
  async function start() {
    onConnectionState('connecting');
    try {
      await connection.start();
      onConnectionState('connected');
      rewatch();
    } catch {
      onConnectionState('disconnected');
      setTimeout(start, 5000);
    }
  }

  /** A new connection has no groups: watch everything again (also what failed to watch while the
   * hub was away), and take each snapshot for what was missed. */
  async function rewatch() {
    for (const id of watched) {
      try {
        onStatus(await connection.invoke('Watch', id));
      } catch (failure) {
        if (/No upload/.test(failure?.message)) watched.delete(id);
      }
    }
  }

  async function ready() {
    await started;
    if (connection.state !== signalR.HubConnectionState.Connected) throw new Error('The server cannot be reached.');
  }

  return {
    /** Watches now, or as soon as the hub is back: an id is remembered unless the server has no such upload. */
    async watch(id) {
      watched.add(id);
      try {
        await ready();
        return await connection.invoke('Watch', id);
      } catch (failure) {
        if (/No upload/.test(failure?.message)) watched.delete(id);
        throw failure;
      }
    },
    async unwatch(id) {
      watched.delete(id);
      if (connection.state === signalR.HubConnectionState.Connected) await connection.invoke('Unwatch', id);
    },
    /** Cancels through the hub, or through the REST API while the hub is away. */
    async cancel(id) {
      if (connection.state === signalR.HubConnectionState.Connected) return connection.invoke('Cancel', id);
      return cancelUpload(id);
    },
  };
}
