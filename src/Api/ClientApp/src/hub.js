// The live connection to /hubs/uploads: watches uploads, re-watches them after a reconnect,
// and reports its own state for the connection indicator.
import * as signalR from '@microsoft/signalr';
import { accessToken } from './access.js';

const events = ['UploadProgress', 'UploadCompleted', 'UploadCancelled', 'UploadDeleted', 'UploadFailed'];

export function createHub({ onStatus, onConnectionState }) {
  const watched = new Set();
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/uploads', { accessTokenFactory: () => accessToken() ?? '' })
    // Keep trying for as long as the page is open; a person should never have to reload.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => Math.min(1000 * 2 ** retry.previousRetryCount, 10000) })
    .build();

  for (const name of events) connection.on(name, onStatus);
  connection.onreconnecting(() => onConnectionState('reconnecting'));
  connection.onreconnected(async () => {
    onConnectionState('connected');
    // A new connection has no groups: watch again, and take the snapshot for what was missed.
    for (const id of watched) {
      try { onStatus(await connection.invoke('Watch', id)); } catch { /* gone meanwhile */ }
    }
  });
  connection.onclose(() => { onConnectionState('disconnected'); setTimeout(start, 5000); });

  const started = start();
  async function start() {
    onConnectionState('connecting');
    try {
      await connection.start();
      onConnectionState('connected');
    } catch {
      onConnectionState('disconnected');
      setTimeout(start, 5000);
    }
  }

  async function ready() {
    await started;
    if (connection.state !== signalR.HubConnectionState.Connected) throw new Error('The server cannot be reached.');
  }

  return {
    async watch(id) {
      await ready();
      const status = await connection.invoke('Watch', id);
      watched.add(id);
      return status;
    },
    async unwatch(id) {
      watched.delete(id);
      if (connection.state === signalR.HubConnectionState.Connected) await connection.invoke('Unwatch', id);
    },
    async cancel(id) {
      await ready();
      return connection.invoke('Cancel', id);
    },
  };
}
