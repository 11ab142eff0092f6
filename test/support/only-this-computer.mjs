// Loaded into a command line under test (node --import): every connection it opens to anything but
// this computer is refused before it leaves, and written to $HEADSHOT_FETCHER_TEST_OUTSIDE_LOG. A test
// that hands the CLI a link to 10.0.0.1 or 169.254.169.254 then sends nothing there even when the
// refusal it checks is broken, and can see that nothing was tried.
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const log = process.env.HEADSHOT_FETCHER_TEST_OUTSIDE_LOG;
const isThisComputer = (host) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  const host = options.path !== undefined ? null : (options.host ?? 'localhost');
  if (host === null || isThisComputer(host)) return connect.apply(this, args);
  if (log) appendFileSync(log, `${host}:${options.port}\n`);
  process.nextTick(() => this.destroy(Object.assign(new Error(`The test refused a connection to ${host}`), { code: 'ECONNREFUSED' })));
  return this;
};
