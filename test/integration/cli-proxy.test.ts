// The built command line behind a proxy: HTTP_PROXY, HTTPS_PROXY and NO_PROXY are honoured as curl
// honours them. The proxy is a tiny one on 127.0.0.1 that tunnels (CONNECT) and forwards plain
// requests, and records where each request went.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
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

async function fetchWith(proxyEnv: Record<string, string>, extraArgs: string[] = []): Promise<{ code: number | null; stderr: string; files: string[] }> {
  const out = join(await makeTempDir('headshot-fetcher-cli-proxy-'), 'headshots');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) delete env[name];
  Object.assign(env, {
    HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate,
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
  assert.match(run.stderr, /Can't reach ModelsLab/);
});
