// How figures read on the page.

const units = ['B', 'KB', 'MB', 'GB', 'TB'];

export function bytes(count) {
  if (count == null) return '?';
  let value = count;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function speed(bytesPerSecond) {
  return bytesPerSecond > 0 ? `${bytes(bytesPerSecond)}/s` : '–';
}

export function duration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  // A fast upload takes less than a second; '0s' would say it took no time at all.
  if (seconds > 0 && seconds < 1) return `${seconds.toFixed(1)}s`;
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}
