import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** https anywhere; plain http only to this machine, which is where the test server lives. */
export function isSecureOrLocalUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/** Where an address leads: the internet, or somewhere only this machine or its network can reach. */
export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified';
type InternalKind = Exclude<AddressKind, 'public'>;

const addressRanges: Array<[InternalKind, BlockList]> = (
  [
    ['loopback', [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]],
    ['private', [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']]],
    ['link-local', [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]],
    ['unspecified', [['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']]],
  ] as const
).map(([kind, subnets]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return [kind, list];
});

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, which URL writes `::ffff:a00:1`) is the IPv4 address. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(?:([0-9a-f]{1,4}):([0-9a-f]{1,4})|(\d+\.\d+\.\d+\.\d+))$/i.exec(address);
  if (mapped?.[3]) return { address: mapped[3], family: 'ipv4' };
  if (mapped?.[1] && mapped[2]) {
    const high = parseInt(mapped[1], 16);
    const low = parseInt(mapped[2], 16);
    return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), family: 'ipv4' };
  }
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** The kind of an IP address (v4 or v6, without brackets). */
export function addressKind(ip: string): AddressKind {
  const { address, family } = unmapped(ip);
  return addressRanges.find(([, list]) => list.check(address, family))?.[0] ?? 'public';
}

/** A URL's host as an IP address when it is written as one (`[::1]` → `::1`), else null. */
function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : null;
}

export type LookupAll = (hostname: string) => Promise<string[]>;

const systemLookup: LookupAll = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * The kinds of address a URL's host stands for: the address written in it, else what its name
 * resolves to now. A name that does not resolve here (behind a proxy that resolves names itself)
 * gives no kinds: the request then goes out and fails or succeeds as it would anyway.
 */
export async function addressKindsOf(url: URL, lookup: LookupAll = systemLookup): Promise<Set<AddressKind>> {
  const literal = literalAddress(url);
  if (literal !== null) return new Set([addressKind(literal)]);
  // Every name under .localhost is this machine, whatever a resolver says (RFC 6761).
  if (/(^|\.)localhost$/i.test(url.hostname)) return new Set(['loopback']);
  const addresses = await lookup(url.hostname).catch(() => [] as string[]);
  return new Set(addresses.map(addressKind));
}

export interface LinkPolicyOptions {
  /** The endpoint in use: links may lead to the same kind of address as it does. */
  endpointTemplate: () => string;
  /** "Allow image links to my private network": private and link-local addresses are allowed. */
  allowPrivateNetwork: () => boolean;
  lookup?: LookupAll;
  /** How the person turns the private network on, for the refusal's advice. */
  privateNetworkSwitch?: string;
}

const kindWords: Record<InternalKind, string> = {
  loopback: 'this computer',
  private: 'a private network address',
  'link-local': 'a link-local network address',
  unspecified: 'an unspecified address',
};

/**
 * Where image links (and every redirect hop) may lead: the internet over https. An address on this
 * computer or its network is refused, so that an answer cannot make the app reach local services,
 * unless the endpoint is itself on such an address (a local test server, an on-premises proxy) or
 * the person allowed their private network. Plain http only when link and endpoint are both on
 * this computer.
 */
export function createLinkPolicy({
  endpointTemplate,
  allowPrivateNetwork,
  lookup = systemLookup,
  privateNetworkSwitch = 'turn on "Allow image links to my private network" in Settings',
}: LinkPolicyOptions) {
  return {
    /** Why a link may not be requested, in words for the person; null when it may. */
    async refusal(link: URL): Promise<string | null> {
      const endpoint = new URL(endpointTemplate().replaceAll('{id}', '1'));
      // Plain http only between two places on this computer, written so: no name is looked up for it.
      const onThisComputer = (url: URL) => {
        const literal = literalAddress(url);
        return isLoopbackHost(url.hostname) || (literal !== null && addressKind(literal) === 'loopback');
      };
      if (link.protocol !== 'https:' && !(link.protocol === 'http:' && onThisComputer(link) && onThisComputer(endpoint))) {
        return `its link is not https (${link.protocol}//${link.host}), which is refused: image links from ModelsLab use https.`;
      }
      const [linkKinds, endpointKinds] = await Promise.all([addressKindsOf(link, lookup), addressKindsOf(endpoint, lookup)]);
      const allowed = (kind: AddressKind) =>
        kind === 'public' || endpointKinds.has(kind) || (allowPrivateNetwork() && (kind === 'private' || kind === 'link-local'));
      const refused = [...linkKinds].find((kind): kind is InternalKind => !allowed(kind));
      if (refused !== undefined) {
        const fix = refused === 'private' || refused === 'link-local' ? ` If your images are kept on your own network, ${privateNetworkSwitch}.` : '';
        return `its link leads to ${kindWords[refused]} (${link.host}), which is refused: image links from ModelsLab lead to the internet.${fix}`;
      }
      return null;
    },
  };
}

export type LinkPolicy = ReturnType<typeof createLinkPolicy>;

// Where the window's own pages live: app://headshot-fetcher/…, served by main from the build.
export const rendererScheme = 'app';
export const rendererHost = 'headshot-fetcher';
export const rendererEntryUrl = `${rendererScheme}://${rendererHost}/index.html`;

/**
 * Whether a URL is one of the window's own pages. Compares scheme and host rather than
 * URL.origin, which Node reports as "null" for a custom scheme.
 */
export function isRendererUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === `${rendererScheme}:` && url.host === rendererHost;
  } catch {
    return false;
  }
}
