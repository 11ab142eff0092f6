// An image server whose downloads the test holds mid-way and lets go of when it chooses, so that a
// batch can be looked at while it is under way however fast or slow the machine is. A job's image
// reaches it through the fake ModelsLab: `{ redirectTo: held.url('7001-2', 'headshot-b.jpg') }`.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readImage, type ImageName } from '../fixtures/fake-modelslab';

/** What a held download has sent: its headers and these first bytes, like a transfer caught mid-way. */
const bytesSentBeforeHold = 64;

export interface HeldImageServer {
  /** A link to `image` under `name`; its downloads are held until `name` is released. */
  url(name: string, image: ImageName): string;
  /** The names of downloads that arrived and are held now, oldest first. */
  held(): string[];
  /** The name of every download that arrived, in order. */
  readonly arrived: string[];
  /** The names of held downloads whose client went away before the rest was sent, in order. */
  readonly dropped: string[];
  /** The most downloads held at once. */
  readonly peakHeld: number;
  /** Sends the rest of `name`'s held downloads; later downloads of it are answered at once. */
  release(name: string): void;
  releaseAll(): void;
  close(): Promise<void>;
}

interface HeldDownload {
  name: string;
  bytes: Buffer;
  response: ServerResponse;
}

export async function startHeldImageServer(): Promise<HeldImageServer> {
  const released = new Set<string>();
  const holding: HeldDownload[] = [];
  const sockets = new Set<Socket>();
  const arrived: string[] = [];
  const dropped: string[] = [];
  let peakHeld = 0;
  let releasedAll = false;

  const finish = ({ bytes, response }: HeldDownload) => {
    if (!response.destroyed) response.end(bytes.subarray(bytesSentBeforeHold));
  };

  const server = createServer((request, response) => {
    const match = /^\/held\/([^/]+)\/(headshot-[abc]\.(?:png|jpg|webp))$/.exec(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (!match || request.method !== 'GET') return void response.writeHead(404).end();
    const name = decodeURIComponent(match[1]!);
    const bytes = readImage(match[2] as ImageName);
    arrived.push(name);
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    response.write(bytes.subarray(0, bytesSentBeforeHold));
    const download = { name, bytes, response };
    if (releasedAll || released.has(name)) return finish(download);
    response.on('close', () => {
      if (response.writableFinished) return;
      dropped.push(name);
      const index = holding.indexOf(download);
      if (index >= 0) holding.splice(index, 1);
    });
    holding.push(download);
    peakHeld = Math.max(peakHeld, holding.length);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function release(name: string) {
    released.add(name);
    for (let index = holding.length - 1; index >= 0; index -= 1) {
      if (holding[index]!.name === name) finish(holding.splice(index, 1)[0]!);
    }
  }

  return {
    url: (name, image) => `${origin}/held/${encodeURIComponent(name)}/${image}`,
    held: () => holding.map((download) => download.name),
    arrived,
    dropped,
    get peakHeld() {
      return peakHeld;
    },
    release,
    releaseAll() {
      releasedAll = true;
      for (const download of holding.splice(0)) finish(download);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
