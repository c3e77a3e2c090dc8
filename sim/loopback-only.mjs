/**
 * Preloaded into a server under test (`node --import <this file> dist/index.js`): keeps every TCP
 * connection on loopback, whatever the code under test dials.
 *
 * `LOOPBACK_REDIRECTS` (JSON) maps `host:port` to `127.0.0.1:port`, for the fixed remote hosts that
 * some credential providers call: the ECS metadata service (`100.100.100.200:80`) and STS
 * (`sts.aliyuncs.com:443`). The rewrite happens before any DNS lookup, and TLS still checks the
 * certificate against the name that was dialled. Any other destination off loopback goes to a
 * closed local port instead and is reported on stderr with the `loopback-only:` prefix, so a test
 * can assert that nothing tried to leave the machine.
 */
import net from 'node:net';

const redirects = new Map(Object.entries(JSON.parse(process.env.LOOPBACK_REDIRECTS || '{}')));
// Port 1 (tcpmux) has no listener here: a blocked connection fails at once with ECONNREFUSED.
const CLOSED_PORT = 1;

function isLoopback(host) {
  return host === undefined || host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function rewrite(options) {
  if (options === null || typeof options !== 'object' || options.path) return options;
  const host = options.host ?? options.hostname;
  if (isLoopback(host)) return options;
  const port = Number(options.port);
  const target = redirects.get(`${host}:${port}`);
  if (target !== undefined) {
    const at = target.lastIndexOf(':');
    return { ...options, host: target.slice(0, at), hostname: undefined, port: Number(target.slice(at + 1)) };
  }
  process.stderr.write(`loopback-only: blocked a connection to ${host}:${port}\n`);
  return { ...options, host: '127.0.0.1', hostname: undefined, port: CLOSED_PORT };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connectOnLoopback(...args) {
  const [first] = args;
  if (Array.isArray(first)) {
    // Node's own callers pass the normalised [options, callback] pair, marked with a symbol: edit it in place.
    first[0] = rewrite(first[0]);
  } else if (first !== null && typeof first === 'object') {
    args[0] = rewrite(first);
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const host = typeof args[1] === 'string' ? args[1] : undefined;
    const options = rewrite({ port: first, host });
    args.splice(0, typeof args[1] === 'string' ? 2 : 1, options);
  }
  return connect.apply(this, args);
};
