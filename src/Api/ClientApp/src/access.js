// The bearer token the page sends when the service requires one. An embedding app provides it by
// setting window.orleansUploads = { accessToken: '…' } before the page's script runs, or by storing
// it in sessionStorage under 'orleans-uploads-token'.
export function accessToken() {
  return globalThis.orleansUploads?.accessToken ?? sessionStorage.getItem('orleans-uploads-token') ?? null;
}

export function authorization() {
  const token = accessToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}
