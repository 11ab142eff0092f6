const kilobyte = 1024;
const megabyte = 1024 * kilobyte;
const gigabyte = 1024 * megabyte;

/** "512 B", "3 KB", "3.1 MB", "1.25 GB": short enough for a status line. */
export function formatBytes(bytes: number): string {
  if (bytes < kilobyte) return `${Math.max(0, Math.round(bytes))} B`;
  // Rounded up, so a file just over a limit never reads as the limit.
  if (bytes < megabyte) return `${Math.ceil(bytes / kilobyte)} KB`;
  if (bytes < gigabyte) return `${(bytes / megabyte).toFixed(1)} MB`;
  return `${(bytes / gigabyte).toFixed(2)} GB`;
}

/** "12.4 MB", "500 MB", "< 0.1 MB": one unit, so sizes compare at a glance. */
export function formatMegabytes(bytes: number): string {
  const megabytes = bytes / megabyte;
  if (megabytes > 0 && megabytes < 0.1) return '< 0.1 MB';
  return `${Number(megabytes.toFixed(1))} MB`;
}
