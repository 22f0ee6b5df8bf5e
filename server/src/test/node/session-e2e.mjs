// End to end with the real packages: tokens minted by jsonwebtoken, next-auth (v4) and
// @auth/core (v5) `encode`, presented by the real socket.io-client through the auth payload, the
// Authorization header, the token query parameter and the session cookie (whole and chunked).
// Used by SessionTokensE2ETest.   node session-e2e.mjs --url URL --secret S
// Report lines as harness.mjs describes them.
import { encode as encodeAuthJs } from '@auth/core/jwt';
import jwt from 'jsonwebtoken';
import { encode as encodeNextAuth } from 'next-auth/jwt';
import { io } from 'socket.io-client';
import { check, configure, ok, runChecks, exitWith } from './harness.mjs';

const arg = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const url = arg('url');
const secret = arg('secret');
const run = Math.random().toString(36).slice(2, 8);
let n = 0;
configure(15000); // a connect may take its full 8 s before it reports why it failed

const kinds = {
  jws: { mint: (claims, maxAge = 3600) => jwt.sign(claims, secret, { expiresIn: maxAge }), cookie: 'next-auth.session-token' },
  nextauth: { mint: (claims, maxAge = 3600) => encodeNextAuth({ token: claims, secret, maxAge }), cookie: 'next-auth.session-token' },
  'nextauth-secure': { mint: (claims, maxAge = 3600) => encodeNextAuth({ token: claims, secret, maxAge }), cookie: '__Secure-next-auth.session-token' },
  authjs: { mint: (claims, maxAge = 3600) => encodeAuthJs({ token: claims, secret, maxAge, salt: 'authjs.session-token' }), cookie: 'authjs.session-token' },
  'authjs-secure': {
    mint: (claims, maxAge = 3600) => encodeAuthJs({ token: claims, secret, maxAge, salt: '__Secure-authjs.session-token' }),
    cookie: '__Secure-authjs.session-token',
  },
};

function options(source, token, cookie) {
  const base = { forceNew: true, reconnection: false, timeout: 5000 };
  switch (source) {
    case 'auth': return { ...base, auth: { token } };
    case 'header': return { ...base, extraHeaders: { Authorization: `Bearer ${token}` } };
    case 'query': return { ...base, query: { token } };
    case 'cookie': return { ...base, extraHeaders: { Cookie: `other=1; ${cookie}=${token}` } };
    case 'chunked-cookie': {
      const third = Math.ceil(token.length / 3);
      const parts = [0, 1, 2].map((i) => `${cookie}.${i}=${token.slice(i * third, (i + 1) * third)}`);
      return { ...base, extraHeaders: { Cookie: [parts[2], parts[0], 'x=y', parts[1]].join('; ') } };
    }
  }
}

function connectWith(opts, transports) {
  return new Promise((resolve) => {
    const socket = io(url, { ...opts, transports });
    const timer = setTimeout(() => { socket.close(); resolve({ error: 'timeout' }); }, 8000);
    socket.on('connect', () => { clearTimeout(timer); resolve({ socket }); });
    socket.on('connect_error', (err) => { clearTimeout(timer); socket.close(); resolve({ error: err.message, code: err.data?.code }); });
  });
}

for (const [kind, { mint, cookie }] of Object.entries(kinds)) {
  for (const source of ['auth', 'header', 'query', 'cookie', 'chunked-cookie']) {
    for (const transports of [['polling', 'websocket'], ['websocket']]) {
      check(`${kind} token via ${source} (${transports.join('+')}) connects as its user`, async () => {
        const id = `e2e-${run}-${++n}`;
        const token = await mint({ sub: id, name: 'E2E', email: `${id}@example.test` });
        const { socket, error, code } = await connectWith(options(source, token, cookie), transports);
        ok(socket, `connect_error ${error} ${code}`);
        const online = await socket.timeout(5000).emitWithAck('status:request');
        socket.close();
        ok(online.includes(id), `users:online lacks ${id}`);
      });
    }
  }
  for (const source of ['auth', 'cookie']) {
    check(`${kind} expired token via ${source} -> TOKEN_EXPIRED`, async () => {
      const token = await mint({ sub: `e2e-${run}-${++n}` }, -60);
      const { error, code } = await connectWith(options(source, token, cookie), ['websocket']);
      ok(error === 'Authentication error' && code === 'TOKEN_EXPIRED', `got ${error} ${code}`);
    });
    check(`${kind} token of another secret via ${source} -> TOKEN_INVALID`, async () => {
      const other = { jws: () => jwt.sign({ sub: 'x' }, `${secret}-other`),
        nextauth: () => encodeNextAuth({ token: { sub: 'x' }, secret: `${secret}-other` }),
        'nextauth-secure': () => encodeNextAuth({ token: { sub: 'x' }, secret: `${secret}-other` }),
        authjs: () => encodeAuthJs({ token: { sub: 'x' }, secret: `${secret}-other`, salt: 'authjs.session-token' }),
        'authjs-secure': () => encodeAuthJs({ token: { sub: 'x' }, secret: `${secret}-other`, salt: '__Secure-authjs.session-token' }) };
      const { error, code } = await connectWith(options(source, await other[kind](), cookie), ['websocket']);
      ok(error === 'Authentication error' && code === 'TOKEN_INVALID', `got ${error} ${code}`);
    });
    check(`${kind} tampered token via ${source} -> TOKEN_INVALID`, async () => {
      const token = await mint({ sub: `e2e-${run}-${++n}` });
      const parts = token.split('.');
      const i = parts.length - 2; // ciphertext of a JWE, claims of a JWS
      parts[i] = parts[i].slice(0, -2) + (parts[i].endsWith('AA') ? 'BB' : 'AA');
      const { error, code } = await connectWith(options(source, parts.join('.'), cookie), ['websocket']);
      ok(error === 'Authentication error' && code === 'TOKEN_INVALID', `got ${error} ${code}`);
    });
  }
}

for (const kind of ['nextauth', 'authjs']) {
  check(`a 2-second ${kind} session token is ended with auth:expired at its exp`, async () => {
    const token = await kinds[kind].mint({ sub: `e2e-${run}-${++n}` }, 2);
    const started = Date.now();
    const { socket, error } = await connectWith(options('auth', token, kinds[kind].cookie), ['websocket']);
    ok(socket, `connect_error ${error}`);
    const events = [];
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 6000);
      socket.on('auth:expired', (payload) => events.push(['auth:expired', payload, Date.now() - started]));
      socket.on('disconnect', (reason) => { events.push(['disconnect', reason, Date.now() - started]); clearTimeout(timer); resolve(); });
    });
    socket.close();
    ok(events.length === 2 && events[0][0] === 'auth:expired' && events[0][1].code === 'TOKEN_EXPIRED', `events ${JSON.stringify(events)}`);
    ok(events[1][1] === 'io server disconnect', `disconnect reason ${events[1][1]}`);
    ok(events[0][2] >= 1000 && events[0][2] <= 3500, `auth:expired after ${events[0][2]} ms, not at exp (2 s)`);
  });
}

exitWith(() => runChecks({ title: `chatctl session tokens end to end against ${url} (run ${run})` }));
