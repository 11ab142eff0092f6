// The built command line behind a proxy: HTTP_PROXY, HTTPS_PROXY and NO_PROXY are honoured as curl
// honours them. The proxy is a tiny one on 127.0.0.1 that tunnels (CONNECT) and forwards plain
// requests, and records where each request went.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFakeModelsLab, type FakeModelsLab } from '../fixtures/fake-modelslab';
import { makeTempDir, validTestKey } from '../support/core-harness';

const cliPath = fileURLToPath(new URL('../../dist/cli/headshot-fetcher.js', import.meta.url));

let server: FakeModelsLab;
let proxyUrl = '';
/** Each request the proxy carried: "CONNECT host:port" or "GET http://…". */
const proxied: string[] = [];
const proxySockets = new Set<Socket>();
const proxy = createServer((request, response) => {
  proxied.push(`${request.method} ${request.url}`);
  const target = new URL(request.url ?? '');
  const outgoing = httpRequest(target, { method: request.method, headers: request.headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  outgoing.on('error', () => response.destroy());
  request.pipe(outgoing);
});
proxy.on('connect', (request, client: Socket, head) => {
  proxied.push(`CONNECT ${request.url}`);
  const [host, port] = (request.url ?? '').split(':');
  const upstream = connect(Number(port), host!, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
proxy.on('connection', (socket) => {
  proxySockets.add(socket);
  socket.on('close', () => proxySockets.delete(socket));
});

before(async () => {
  server = await startFakeModelsLab({ validKey: validTestKey, scenarios: { '6001': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] } });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
after(async () => {
  for (const socket of proxySockets) socket.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await server.close();
});

async function fetchWith(proxyEnv: Record<string, string>, extraArgs: string[] = [], endpointTemplate = server.endpointTemplate): Promise<{ code: number | null; stderr: string; files: string[] }> {
  const out = join(await makeTempDir('headshot-fetcher-cli-proxy-'), 'headshots');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) delete env[name];
  Object.assign(env, {
    HEADSHOT_FETCHER_ENDPOINT: endpointTemplate,
    HEADSHOT_FETCHER_KEYCHAIN_SERVICE: `Headshot Fetcher CLI test ${randomUUID()}`,
    MODELSLAB_API_KEY: validTestKey,
    ...proxyEnv,
  });
  const child = spawn(process.execPath, [cliPath, 'fetch', '6001', '--out', out, ...extraArgs], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const files = await readdir(out).catch(() => []);
  await rm(join(out, '..'), { recursive: true, force: true });
  return { code, stderr, files };
}

const serverHost = () => new URL(server.origin).host;

test('HTTP_PROXY carries the API call and the image download', async () => {
  proxied.length = 0;
  const run = await fetchWith({ HTTP_PROXY: proxyUrl });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.files.includes('6001-1.png'));
  const throughProxy = proxied.filter((line) => line.includes(serverHost()));
  assert.ok(throughProxy.length > 0, `the proxy carried nothing: ${proxied.join(', ')}`);
});

test('NO_PROXY names the hosts reached directly, as curl reads it', async () => {
  proxied.length = 0;
  const run = await fetchWith({ HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: 'example.com,127.0.0.1' });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.files.includes('6001-1.png'));
  assert.deepEqual(proxied, []);
});

test('a proxy that is down is an outage the run waits out, not a pile of failed jobs', async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const run = await fetchWith({ HTTP_PROXY: `http://127.0.0.1:${closedPort}` }, ['--offline-wait', '0']);
  assert.equal(run.code, 4, run.stderr);
  assert.match(run.stderr, /Can't reach ModelsLab \(ECONNREFUSED\)\. Check your connection\. Requests go through the proxy set in HTTP_PROXY: check that it runs\./);
  assert.doesNotMatch(run.stderr, new RegExp(String(closedPort)), 'the proxy setting is named, not its value (which may hold a password)');
});

const opensslMissing = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
})();

test('HTTPS_PROXY carries the https API call through a CONNECT tunnel, as it would to ModelsLab', { skip: opensslMissing ? 'needs openssl for a test certificate' : false }, async () => {
  // The fake server behind https on 127.0.0.1, with a certificate the CLI trusts through NODE_EXTRA_CA_CERTS.
  const certDir = await makeTempDir('headshot-fetcher-cli-proxy-cert-');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')],
    { stdio: 'ignore' },
  );
  const serverPort = Number(new URL(server.origin).port);
  const front = createHttpsServer({ key: await readFile(join(certDir, 'key.pem')), cert: await readFile(join(certDir, 'cert.pem')) }, (request, response) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port: serverPort, path: request.url, method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    outgoing.on('error', () => response.destroy());
    request.pipe(outgoing);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const frontHost = `127.0.0.1:${(front.address() as AddressInfo).port}`;
  const endpoint = `https://${frontHost}/api/v1/enterprise/flux_headshot/fetch/{id}`;
  try {
    proxied.length = 0;
    const run = await fetchWith({ HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') }, [], endpoint);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.files.includes('6001-1.png'));
    assert.ok(proxied.includes(`CONNECT ${frontHost}`), `the proxy carried: ${proxied.join(', ')}`);

    // The lower-case name works as well, as in curl.
    proxied.length = 0;
    const lower = await fetchWith({ https_proxy: proxyUrl, NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') }, [], endpoint);
    assert.equal(lower.code, 0, lower.stderr);
    assert.ok(proxied.includes(`CONNECT ${frontHost}`), `the proxy carried: ${proxied.join(', ')}`);
  } finally {
    front.close();
    await rm(certDir, { recursive: true, force: true });
  }
});
