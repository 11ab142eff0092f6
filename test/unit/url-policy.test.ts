import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKind, createLinkPolicy, isRendererUrl, isSecureOrLocalUrl, rendererEntryUrl } from '../../main/core/url-policy';

test("the window's own pages are recognised by scheme and host, nothing else is", () => {
  // URL.origin is "null" for custom schemes in Node, so an origin comparison would refuse everything.
  assert.equal(new URL(rendererEntryUrl).origin, 'null');
  assert.ok(isRendererUrl(rendererEntryUrl));
  assert.ok(isRendererUrl('app://headshot-fetcher/assets/index.js'));
  for (const other of ['app://evil/index.html', 'https://headshot-fetcher/index.html', 'file:///index.html', 'not a url', '']) {
    assert.ok(!isRendererUrl(other), other);
  }
});

test('https anywhere, plain http only to this machine', () => {
  for (const ok of ['https://modelslab.com/x', 'http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]:9/x']) {
    assert.ok(isSecureOrLocalUrl(new URL(ok)), ok);
  }
  for (const refused of ['http://modelslab.com/x', 'http://127.0.0.1.nip.io/x', 'ftp://127.0.0.1/x', 'file:///etc/passwd']) {
    assert.ok(!isSecureOrLocalUrl(new URL(refused)), refused);
  }
});

test('addresses are sorted into public, loopback, private, link-local and unspecified, IPv4 written as IPv6 included', () => {
  const expected: Record<string, ReturnType<typeof addressKind>> = {
    '93.184.216.34': 'public',
    '2606:4700::1': 'public',
    '172.32.0.1': 'public',
    '127.0.0.1': 'loopback',
    '127.255.0.9': 'loopback',
    '::1': 'loopback',
    '::ffff:127.0.0.1': 'loopback',
    '::ffff:7f00:1': 'loopback',
    '10.1.2.3': 'private',
    '172.16.0.1': 'private',
    '172.31.255.255': 'private',
    '192.168.0.10': 'private',
    'fd12::1': 'private',
    'fc00::1': 'private',
    '::ffff:a00:1': 'private',
    '169.254.169.254': 'link-local',
    'fe80::1': 'link-local',
    '0.0.0.0': 'unspecified',
    '::': 'unspecified',
  };
  for (const [address, kind] of Object.entries(expected)) assert.equal(addressKind(address), kind, address);
});

/** A resolver with fixed answers: what a name stands for is the world's, so it is given here. */
const names: Record<string, string[]> = {
  'cdn.example.com': ['93.184.216.34'],
  'sneaky.example.com': ['93.184.216.35', '10.0.0.8'],
  'metadata.example.com': ['169.254.169.254'],
  'local.example.com': ['127.0.0.1'],
  'storage.corp.example': ['192.168.4.4'],
};
const lookup = async (hostname: string) => names[hostname] ?? Promise.reject(new Error('ENOTFOUND'));
const policy = (endpointTemplate: string, allowPrivateNetwork = false) => createLinkPolicy({ endpointTemplate: () => endpointTemplate, allowPrivateNetwork: () => allowPrivateNetwork, lookup });
const refusal = (p: ReturnType<typeof policy>, link: string) => p.refusal(new URL(link));

test('with an endpoint on the internet, links to this computer or its network are refused, written or resolved', async () => {
  const internet = policy('https://modelslab.example/fetch/{id}');
  assert.equal(await refusal(internet, 'https://cdn.example.com/a.png'), null);
  assert.equal(await refusal(internet, 'https://93.184.216.34/a.png'), null);
  for (const [link, what] of [
    ['https://127.0.0.1:9000/a.png', /this computer \(127\.0\.0\.1:9000\)/],
    ['https://localhost/a.png', /this computer/],
    ['https://[::1]/a.png', /this computer/],
    ['https://[::ffff:127.0.0.1]/a.png', /this computer/],
    ['https://2130706433/a.png', /this computer \(127\.0\.0\.1\)/],
    ['https://10.0.0.1/a.png', /private network address \(10\.0\.0\.1\)/],
    ['https://169.254.169.254/latest/meta-data/', /link-local network address/],
    ['https://[fe80::1]/a.png', /link-local network address/],
    ['https://[fd00::1]/a.png', /private network address/],
    ['https://0.0.0.0/a.png', /unspecified address/],
    ['https://sneaky.example.com/a.png', /private network address \(sneaky\.example\.com\)/],
    ['https://metadata.example.com/a.png', /link-local network address/],
    ['https://local.example.com/a.png', /this computer/],
    ['http://cdn.example.com/a.png', /^its link is not https \(http:\/\/cdn\.example\.com\), which is refused: image links from ModelsLab use https\.$/],
    ['http://127.0.0.1/a.png', /not https/],
    ['ftp://cdn.example.com/a.png', /not https/],
  ] as const) {
    assert.match((await refusal(internet, link)) ?? 'allowed', what, link);
  }
  // A name that does not resolve here (a proxy resolves it) is left to the request.
  assert.equal(await refusal(internet, 'https://unknown.example.net/a.png'), null);
});

test('an endpoint on this computer allows links on this computer, over plain http too, and nothing else local', async () => {
  const local = policy('http://127.0.0.1:8080/fetch/{id}');
  assert.equal(await refusal(local, 'http://127.0.0.1:8080/images/1.png'), null);
  assert.equal(await refusal(local, 'http://localhost:8080/images/1.png'), null);
  assert.equal(await refusal(local, 'https://cdn.example.com/a.png'), null);
  assert.match((await refusal(local, 'https://10.0.0.1/a.png')) ?? 'allowed', /private network address/);
  assert.match((await refusal(local, 'https://169.254.169.254/a.png')) ?? 'allowed', /link-local/);
  assert.match((await refusal(local, 'http://cdn.example.com/a.png')) ?? 'allowed', /not https/);
});

test('an endpoint on the private network allows private links; the setting allows private and link-local, never this computer', async () => {
  const onPremises = policy('https://192.168.1.5/fetch/{id}');
  assert.equal(await refusal(onPremises, 'https://storage.corp.example/a.png'), null);
  assert.match((await refusal(onPremises, 'https://127.0.0.1/a.png')) ?? 'allowed', /this computer/);
  const allowed = policy('https://modelslab.example/fetch/{id}', true);
  assert.equal(await refusal(allowed, 'https://10.0.0.1/a.png'), null);
  assert.equal(await refusal(allowed, 'https://[fe80::1]/a.png'), null);
  assert.match((await refusal(allowed, 'https://127.0.0.1/a.png')) ?? 'allowed', /this computer/);
  assert.match((await refusal(allowed, 'https://0.0.0.0/a.png')) ?? 'allowed', /unspecified/);
});
