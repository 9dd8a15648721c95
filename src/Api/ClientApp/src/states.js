// Upload states as the server names them. The page's one copy of the rule the server keeps in
// UploadStateExtensions.IsTerminal: a finished upload takes no more bytes and never changes again.
const terminal = new Set(['completed', 'cancelled', 'failed', 'expired', 'deleted']);

export function isTerminal(state) {
  return terminal.has(state);
}
