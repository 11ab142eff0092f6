// Where ModelsLab keeps images only for a while. Images made without the customer's own storage
// settings live on ModelsLab's own hosts and are deleted 24 hours after they were made; a link on
// any other host (a customer's S3 bucket, say) is the customer's storage and does not expire.
// The one list: the window's expiry warning reads it, and nothing else keeps its own.

const temporaryHosts: readonly RegExp[] = [
  // Cloudflare R2 public buckets: pub-<hex>.r2.dev
  /^pub-[a-z0-9]+\.r2\.dev$/,
  /^cdn\.modelslab\.com$/,
  /^cdn2\.stablediffusionapi\.com$/,
];

/** Whether images on this host (a host name, as in a URL) are ModelsLab's temporary ones. */
export function isTemporaryImageHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return temporaryHosts.some((pattern) => pattern.test(name));
}

/** The host name of an image link, or null when it is not a URL. */
export function imageHostOf(link: string): string | null {
  try {
    return new URL(link).hostname.toLowerCase();
  } catch {
    return null;
  }
}
