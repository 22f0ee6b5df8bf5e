#!/usr/bin/env node
// Black-box contract test of the chatctl wire contract (docs/PROTOCOL.md: Transport,
// Authentication, Events, Rules for message:send, HTTP; not Delivery). It drives any server of the
// contract with the real socket.io-client, plus raw HTTP and `ws` where the client library hides
// the wire.
//
//   node contract.mjs --url http://127.0.0.1:3001 --secret SECRET [--origin-allowed http://app.example]
//                     [--only SUBSTRING ...] [--skip SUBSTRING ...] [--timeout-ms 5000] [--list]
//
// One line per check (`ok - name`, `not ok - name: reason`, `ok - name # SKIP reason`), then
// `# passed N, failed M, skipped K` (machine lines too with CHECK_REPORT=1, as harness.mjs
// describes). Exit code 0 only when nothing failed. Checks the reference peer (shared/peer) does
// not implement carry `[not-in-peer]` in their names.
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { configure, checks, check, CheckFailure, fail, show, eq, ok, keysEq, runChecks, exitWith, next, quiet, sleep, emitAck, disconnectAndWait } from './harness.mjs';
import WebSocket from 'ws';

// ---------------------------------------------------------------- options
const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    secret: { type: 'string' },
    'origin-allowed': { type: 'string' },
    only: { type: 'string', multiple: true, default: [] },
    skip: { type: 'string', multiple: true, default: [] },
    'timeout-ms': { type: 'string', default: '5000' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const USAGE = 'usage: node contract.mjs --url http://127.0.0.1:PORT --secret SECRET [--origin-allowed ORIGIN] [--only SUBSTRING ...] [--skip SUBSTRING ...] [--timeout-ms 5000] [--list]';
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!opt.list && (!opt.url || !opt.secret)) {
  console.error(USAGE);
  process.exit(2);
}
const BASE = (opt.url ?? 'http://127.0.0.1:3001').replace(/\/+$/, '');
const SECRET = opt.secret ?? '';
const ALLOWED_ORIGIN = opt['origin-allowed'];
const EVIL_ORIGIN = 'http://evil.example';
const TIMEOUT = Number(opt['timeout-ms']);
configure(TIMEOUT);
if (!(TIMEOUT > 0)) {
  console.error('--timeout-ms must be a positive number');
  process.exit(2);
}
const WAIT = Math.max(500, TIMEOUT - 1000); // one wait inside a check: shorter than the check, for a precise reason
const MAX_MESSAGE_LENGTH = 4000; // the contract's default
const MAX_ID = 191;
const RUN = crypto.randomBytes(4).toString('hex'); // fresh ids each run: reruns never collide
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function main() {
  if (opt.list) {
    for (const c of checks) console.log(c.name);
    return 0;
  }
  return runChecks({
    title: `chatctl contract test against ${BASE} (run ${RUN})`,
    only: opt.only.map((s) => s.toLowerCase()),
    skip: opt.skip.map((s) => s.toLowerCase()),
    skipReason: (c) => (c.needsOrigin && !ALLOWED_ORIGIN ? 'needs --origin-allowed' : null),
  });
}

// ---------------------------------------------------------------- tokens
let counter = 0;
const newId = (label = 'u') => `u-${RUN}-${label}-${++counter}`;
const nowS = () => Math.floor(Date.now() / 1000);
const b64u = (data) => Buffer.from(data).toString('base64url');

/** A user of this run: id, profile claims and an HS256 token valid for an hour. */
function newUser(label, extra = {}) {
  const id = extra.id ?? newId(label);
  const claims = { sub: id, name: `Name ${id}`, email: `${id}@example.test`, picture: `https://img.example/${id}.png` };
  return { id, claims, token: sign(claims) };
}
function sign(claims, { secret = SECRET, algorithm = 'HS256', expiresIn = '1h' } = {}) {
  return jwt.sign(claims, secret, expiresIn === null ? { algorithm } : { algorithm, expiresIn });
}
/** A compact JWS with any header, signed HMAC-SHA256 with the secret (or unsigned for alg none). */
function craftJws(header, claims, { signature } = {}) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  const sig = signature ?? b64u(crypto.createHmac('sha256', SECRET).update(input).digest());
  return `${input}.${sig}`;
}
/** NextAuth v4 session token: JWE dir + A256GCM, key HKDF-SHA256(secret, "", "NextAuth.js Generated Encryption Key", 32). */
function nextAuthJwe(claims, { secret = SECRET, expiresIn = 3600 } = {}) {
  const key = Buffer.from(crypto.hkdfSync('sha256', secret, '', 'NextAuth.js Generated Encryption Key', 32));
  const header = b64u(JSON.stringify({ alg: 'dir', enc: 'A256GCM' }));
  const payload = { ...claims, iat: nowS(), exp: nowS() + expiresIn, jti: crypto.randomUUID() };
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload)), cipher.final()]);
  return `${header}..${b64u(iv)}.${b64u(ciphertext)}.${b64u(cipher.getAuthTag())}`;
}
/** Auth.js v5 session token: JWE dir + A256CBC-HS512 (RFC 7518 5.2), key HKDF-SHA256(secret, salt, "Auth.js Generated Encryption Key (salt)", 64), kid = JWK thumbprint as Auth.js sets it. */
function authJsJwe(claims, salt, { secret = SECRET, expiresIn = 3600 } = {}) {
  const key = Buffer.from(crypto.hkdfSync('sha256', secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
  const kid = b64u(crypto.createHash('sha512').update(JSON.stringify({ k: b64u(key), kty: 'oct' })).digest());
  const header = b64u(JSON.stringify({ alg: 'dir', enc: 'A256CBC-HS512', kid }));
  const payload = { ...claims, iat: nowS(), exp: nowS() + expiresIn, jti: crypto.randomUUID() };
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-cbc', key.subarray(32), iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload)), cipher.final()]);
  const aad = Buffer.from(header, 'ascii');
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length * 8));
  const tag = crypto.createHmac('sha512', key.subarray(0, 32)).update(Buffer.concat([aad, iv, ciphertext, al])).digest().subarray(0, 32);
  return `${header}..${b64u(iv)}.${b64u(ciphertext)}.${b64u(tag)}`;
}

// ---------------------------------------------------------------- socket.io-client helpers
/**
 * A socket.io-client socket (not yet connected) that logs every event it gets; closed at the end of
 * the check. o: {token, auth, headers, query, transports ('default' for socket.io-client's own; else
 * ['websocket'] unless told), path, label, ...other client options}.
 */
function makeSocket(ctx, { token, auth, headers, query, transports = ['websocket'], path = '', label = 'socket', ...rest } = {}) {
  const socket = io(BASE + path, {
    forceNew: true,
    reconnection: false,
    autoConnect: false,
    timeout: WAIT,
    ...(transports !== 'default' && { transports }), // 'default': socket.io-client's own (polling, then upgrade)
    ...(auth !== undefined ? { auth } : token !== undefined ? { auth: { token } } : {}),
    ...(headers && { extraHeaders: headers }),
    ...(query && { query }),
    ...rest,
  });
  socket.label = label;
  socket.log = [];
  socket.waiters = new Set();
  socket.onAny((event, ...args) => {
    socket.log.push({ event, args, used: false });
    for (const wake of [...socket.waiters]) wake();
  });
  socket.on('disconnect', (reason) => {
    socket.disconnectReason = reason;
    for (const wake of [...socket.waiters]) wake();
  });
  ctx.sockets.push(socket);
  if (ctx.done) socket.connect = () => socket; // the check timed out and was cleaned up: open nothing more
  return socket;
}

/** Connects; resolves with the socket, fails the check on connect_error or no answer. */
function connect(socket, ctx) {
  if (ctx) ctx.step = `connecting ${socket.label}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new CheckFailure(`${socket.label}: no connect within ${WAIT} ms`)); }, WAIT);
    const onConnect = () => { off(); resolve(socket); };
    const onError = (err) => { off(); reject(new CheckFailure(`${socket.label}: connect_error ${show(err?.message)} ${show(err?.data)}`)); };
    const off = () => { clearTimeout(timer); socket.off('connect', onConnect); socket.off('connect_error', onError); };
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
    socket.connect();
  });
}
/** Connects expecting a refusal; resolves with the connect_error's error. */
function connectRefused(socket, ctx) {
  if (ctx) ctx.step = `waiting for connect_error on ${socket.label}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new CheckFailure(`${socket.label}: neither connect nor connect_error within ${WAIT} ms`)); }, WAIT);
    const onConnect = () => { off(); reject(new CheckFailure(`${socket.label}: connected, expected connect_error`)); };
    const onError = (err) => { off(); resolve(err); };
    const off = () => { clearTimeout(timer); socket.off('connect', onConnect); socket.off('connect_error', onError); };
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
    socket.connect();
  });
}
/** makeSocket + connect for a user (newUser()). */
async function online(ctx, user, o = {}) {
  return connect(makeSocket(ctx, { token: user.token, label: user.id, ...o }), ctx);
}
async function expectAuthError(ctx, o, code) {
  const err = await connectRefused(makeSocket(ctx, { label: 'client', ...o }), ctx);
  eq(err?.message, 'Authentication error', 'connect_error message');
  eq(err?.data, { code }, 'connect_error data');
}

const count = (socket, event, pred = () => true) => socket.log.filter((e) => e.event === event && pred(e.args[0], e.args)).length;

function checkMessage(m, { senderId, recipientId, content, sessionId = null, clientMessageId = null }, what = 'message') {
  keysEq(m, ['id', 'senderId', 'recipientId', 'content', 'sessionId', 'clientMessageId', 'createdAt'], what);
  ok(typeof m.id === 'string' && m.id.length > 0, `${what}.id: expected a non-empty string, got ${show(m.id)}`);
  eq(m.senderId, senderId, `${what}.senderId`);
  eq(m.recipientId, recipientId, `${what}.recipientId`);
  eq(m.content, content, `${what}.content`);
  eq(m.sessionId, sessionId, `${what}.sessionId`);
  eq(m.clientMessageId, clientMessageId, `${what}.clientMessageId`);
  ok(typeof m.createdAt === 'string' && ISO_MS.test(m.createdAt), `${what}.createdAt: expected ISO-8601 UTC with milliseconds, got ${show(m.createdAt)}`);
  ok(Math.abs(Date.parse(m.createdAt) - Date.now()) < 10 * 60_000, `${what}.createdAt ${m.createdAt} is not near now (${new Date().toISOString()})`);
}

/** Sends (with an ack) and checks the full success answer: ack, message:sent, and returns the message. */
async function sendOk(ctx, from, payload, expected) {
  ctx.step = `message:send from ${from.label}`;
  const answer = await emitAck(from, 'message:send', payload);
  if (answer?.ok !== true) fail(`message:send ack: expected {ok: true, message}, got ${show(answer)}`);
  keysEq(answer, ['ok', 'message'], 'ack');
  checkMessage(answer.message, expected, 'ack.message');
  const sent = await next(from, 'message:sent', (m) => m?.id === answer.message.id, WAIT, ctx);
  eq(sent, answer.message, 'message:sent vs ack.message');
  return answer.message;
}
/** Sends (with an ack) expecting a refusal with `code`; checks the ack and message:error. */
async function sendRefused(ctx, from, args, code, clientMessageId = null) {
  ctx.step = `message:send from ${from.label}`;
  const answer = await emitAck(from, 'message:send', ...args);
  keysEq(answer, ['ok', 'error'], 'ack');
  eq(answer.ok, false, 'ack.ok');
  keysEq(answer.error, ['code', 'message'], 'ack.error');
  eq(answer.error.code, code, 'ack.error.code');
  ok(typeof answer.error.message === 'string' && answer.error.message.length > 0, `ack.error.message: expected a non-empty string, got ${show(answer.error.message)}`);
  const error = await next(from, 'message:error', () => true, WAIT, ctx);
  keysEq(error, ['error', 'code', 'clientMessageId'], 'message:error');
  eq(error.code, code, 'message:error.code');
  ok(typeof error.error === 'string' && error.error.length > 0, `message:error.error: expected a non-empty string, got ${show(error.error)}`);
  eq(error.clientMessageId, clientMessageId, 'message:error.clientMessageId');
  ok(from.connected, `${from.label} was disconnected after the refusal`);
}
/** Sender and recipient, both online (websocket unless told). */
async function pair(ctx, o = {}) {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a, o);
  const sb = await online(ctx, b, o);
  return { a, b, sa, sb };
}
/** The user id the server gave this socket: a note to self's senderId. */
async function whoAmI(ctx, socket, idGuess) {
  const answer = await emitAck(socket, 'message:send', { recipientId: idGuess, content: 'who am i' });
  if (answer?.ok !== true) fail(`note to self as ${idGuess}: ${show(answer)}`);
  return answer.message.senderId;
}

// ---------------------------------------------------------------- raw HTTP and websocket helpers
function httpRequest(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, BASE + '/');
    const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent: false }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { data += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.setTimeout(WAIT, () => req.destroy(new CheckFailure(`${method} ${path}: no answer within ${WAIT} ms`)));
    req.end(body);
  });
}
const POLL = '/socket.io/?EIO=4&transport=polling';
/** Engine.IO open packet of a polling handshake: {status, headers, open}. The session is closed by the check's cleanup. */
async function pollingHandshake(ctx, headers = {}) {
  ctx.step = 'polling handshake';
  const res = await httpRequest('GET', `${POLL}&t=${RUN}${++counter}`, { headers });
  if (res.status === 200 && res.body.startsWith('0')) {
    const open = JSON.parse(res.body.split('\x1e')[0].slice(1));
    ctx.closers.push(() => httpRequest('POST', `${POLL}&sid=${encodeURIComponent(open.sid)}`, { headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: '1' }));
    return { ...res, open };
  }
  return res;
}
/** Opens a raw websocket to /socket.io/: {ws, first} when it opens (first = first text frame), {status} when refused. */
function rawWebSocket(ctx, headers = {}) {
  ctx.step = 'websocket upgrade';
  const url = `${BASE.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: WAIT });
    ctx.closers.push(() => ws.terminate());
    if (ctx.done) ws.terminate(); // the check timed out and was cleaned up
    ws.once('unexpected-response', (req, res) => {
      resolve({ status: res.statusCode, headers: res.headers });
      req.destroy();
    });
    ws.once('message', (data) => resolve({ ws, first: data.toString() }));
    ws.once('error', (err) => reject(new CheckFailure(`websocket: ${err.message}`)));
  });
}
/** Reads text frames from a raw websocket one at a time. */
function frameReader(ws) {
  const queue = [];
  const waiting = [];
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === '2') return ws.send('3'); // answer pings
    if (waiting.length) waiting.shift()(text);
    else queue.push(text);
  });
  return () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CheckFailure(`no websocket frame within ${WAIT} ms`)), WAIT);
    waiting.push((t) => { clearTimeout(timer); resolve(t); });
  }));
}
function checkOpenPacket(open, upgrades) {
  ok(typeof open?.sid === 'string' && open.sid.length > 0, `open packet sid: ${show(open?.sid)}`);
  eq(open.upgrades, upgrades, 'open packet upgrades');
  eq(open.pingInterval, 25000, 'open packet pingInterval');
  eq(open.pingTimeout, 20000, 'open packet pingTimeout');
  eq(open.maxPayload, 1000000, 'open packet maxPayload');
}
const allowHeaders = (headers) => Object.keys(headers).filter((h) => h.toLowerCase().startsWith('access-control-allow-'));

// ================================================================= checks: transport
async function messagesBothWays(ctx, sa, sb, a, b) {
  const m1 = await sendOk(ctx, sa, { recipientId: b.id, content: `hello ${b.id}` }, { senderId: a.id, recipientId: b.id, content: `hello ${b.id}` });
  eq(await next(sb, 'message:receive', (m) => m?.id === m1.id, WAIT, ctx), m1, 'message:receive');
  const m2 = await sendOk(ctx, sb, { recipientId: a.id, content: `hello ${a.id}` }, { senderId: b.id, recipientId: a.id, content: `hello ${a.id}` });
  eq(await next(sa, 'message:receive', (m) => m?.id === m2.id, WAIT, ctx), m2, 'message:receive');
}
async function upgraded(ctx, socket) {
  ctx.step = `waiting for ${socket.label} to upgrade to websocket`;
  for (const end = Date.now() + WAIT; Date.now() < end; await sleep(20)) {
    if (socket.io.engine?.transport?.name === 'websocket') return;
  }
  fail(`${socket.label}: transport is still ${socket.io.engine?.transport?.name} after ${WAIT} ms`);
}

check('transport: default options start on polling, upgrade to websocket, messages both ways', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const first = {};
  const sockets = [a, b].map((u) => {
    const s = makeSocket(ctx, { token: u.token, label: u.id, transports: 'default' });
    s.io.on('open', () => { first[u.id] = s.io.engine.transport.name; });
    return s;
  });
  await Promise.all(sockets.map((s) => connect(s, ctx)));
  eq(first, { [a.id]: 'polling', [b.id]: 'polling' }, 'first transport');
  await upgraded(ctx, sockets[0]);
  await upgraded(ctx, sockets[1]);
  await messagesBothWays(ctx, sockets[0], sockets[1], a, b);
});

check("transport: transports ['websocket'], messages both ways", async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx, { transports: ['websocket'] });
  eq(sa.io.engine.transport.name, 'websocket', 'transport');
  await messagesBothWays(ctx, sa, sb, a, b);
});

check("transport: transports ['polling'], messages both ways", async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx, { transports: ['polling'] });
  await messagesBothWays(ctx, sa, sb, a, b);
  eq([sa.io.engine.transport.name, sb.io.engine.transport.name], ['polling', 'polling'], 'transports');
});

check('transport: polling sender, websocket recipient and back', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a, { transports: ['polling'] });
  const sb = await online(ctx, b, { transports: ['websocket'] });
  await messagesBothWays(ctx, sa, sb, a, b);
});

check('transport: polling handshake open packet (sid, upgrades [websocket], ping 25000/20000, maxPayload 1000000)', async (ctx) => {
  const res = await pollingHandshake(ctx);
  eq(res.status, 200, 'status');
  ok(res.open, `expected an Engine.IO open packet, got ${show(res.body)}`);
  checkOpenPacket(res.open, ['websocket']);
});

check('transport: raw websocket open packet and Socket.IO CONNECT with auth {token}', async (ctx) => {
  const u = newUser('raw');
  const res = await rawWebSocket(ctx);
  ok(res.ws, `websocket refused with status ${res.status}`);
  ok(res.first.startsWith('0'), `first frame: expected an open packet, got ${show(res.first)}`);
  checkOpenPacket(JSON.parse(res.first.slice(1)), []);
  const read = frameReader(res.ws);
  res.ws.send(`40${JSON.stringify({ token: u.token })}`);
  ctx.step = 'waiting for the CONNECT answer';
  const answer = await read();
  ok(answer.startsWith('40{'), `CONNECT answer: expected 40{...}, got ${show(answer)}`);
  const data = JSON.parse(answer.slice(2));
  ok(typeof data.sid === 'string' && data.sid.length > 0, `CONNECT answer sid: ${show(data)}`);
  res.ws.send(`420${JSON.stringify(['status:request'])}`);
  ctx.step = 'waiting for users:online and the ack';
  const frames = [await read(), await read()];
  ok(frames.some((f) => f.startsWith('42["users:online",')), `expected 42["users:online",...], got ${show(frames)}`);
  ok(frames.some((f) => f.startsWith('430[')), `expected an ack 430[...], got ${show(frames)}`);
});

check('namespace: CONNECT to an unknown namespace gets connect_error "Invalid namespace"', async (ctx) => {
  const u = newUser('ns');
  const err = await connectRefused(makeSocket(ctx, { token: u.token, path: '/nope', label: 'nope' }), ctx);
  eq(err?.message, 'Invalid namespace', 'connect_error message');
});

// ================================================================= checks: authentication
check('auth: token in the CONNECT auth payload', async (ctx) => {
  const u = newUser('auth');
  const s = await connect(makeSocket(ctx, { auth: { token: u.token } }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check('auth: Authorization Bearer header over polling', async (ctx) => {
  const u = newUser('hdr');
  const s = await connect(makeSocket(ctx, { transports: ['polling'], headers: { Authorization: `Bearer ${u.token}` } }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check('auth: Authorization Bearer header over websocket', async (ctx) => {
  const u = newUser('hdr');
  const s = await connect(makeSocket(ctx, { transports: ['websocket'], headers: { Authorization: `Bearer ${u.token}` } }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check('auth: token query parameter (default transports)', async (ctx) => {
  const u = newUser('query');
  const s = await connect(makeSocket(ctx, { transports: 'default', query: { token: u.token } }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check('auth: a valid auth-payload token wins over a bad header token', async (ctx) => {
  const u = newUser('prec');
  const s = await connect(makeSocket(ctx, { token: u.token, headers: { Authorization: 'Bearer not.a.token' } }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check('auth: a valid header token wins over a bad query token', async (ctx) => {
  const u = newUser('prec');
  const s = await connect(makeSocket(ctx, { headers: { Authorization: `Bearer ${u.token}` }, query: { token: 'not.a.token' } }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check('auth: the first token found decides (bad auth-payload token, valid header) -> TOKEN_INVALID', async (ctx) => {
  const u = newUser('prec');
  await expectAuthError(ctx, { token: sign(u.claims, { secret: 'another-secret' }), headers: { Authorization: `Bearer ${u.token}` } }, 'TOKEN_INVALID');
});

check('auth: two users get their own ids from the same transport', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  eq([await whoAmI(ctx, sa, a.id), await whoAmI(ctx, sb, b.id)], [a.id, b.id], 'user ids');
});

check('auth: no token -> TOKEN_MISSING', async (ctx) => {
  await expectAuthError(ctx, {}, 'TOKEN_MISSING');
});

check('auth: no token over polling -> TOKEN_MISSING', async (ctx) => {
  await expectAuthError(ctx, { transports: ['polling'] }, 'TOKEN_MISSING');
});

check('auth: tampered signature -> TOKEN_INVALID', async (ctx) => {
  const [h, p, sig] = newUser('bad').token.split('.');
  const flipped = b64u(Buffer.from(sig, 'base64url').map((byte, i) => (i === 0 ? byte ^ 1 : byte)));
  await expectAuthError(ctx, { token: `${h}.${p}.${flipped}` }, 'TOKEN_INVALID');
});

check('auth: tampered claims (sub changed, signature kept) -> TOKEN_INVALID', async (ctx) => {
  const u = newUser('bad');
  const [h, , sig] = u.token.split('.');
  const claims = JSON.parse(Buffer.from(u.token.split('.')[1], 'base64url'));
  await expectAuthError(ctx, { token: `${h}.${b64u(JSON.stringify({ ...claims, sub: newId('victim') }))}.${sig}` }, 'TOKEN_INVALID');
});

check('auth: alg none -> TOKEN_INVALID', async (ctx) => {
  const u = newUser('none');
  await expectAuthError(ctx, { token: craftJws({ alg: 'none', typ: 'JWT' }, { ...u.claims, exp: nowS() + 3600 }, { signature: '' }) }, 'TOKEN_INVALID');
});

check('auth: unknown algorithm (RS256 header, HMAC signature) -> TOKEN_INVALID', async (ctx) => {
  const u = newUser('alg');
  await expectAuthError(ctx, { token: craftJws({ alg: 'RS256', typ: 'JWT' }, { ...u.claims, exp: nowS() + 3600 }) }, 'TOKEN_INVALID');
});

check('auth: crafted HS256 token is accepted (control for the crafted-token checks)', async (ctx) => {
  const u = newUser('craft');
  const s = await connect(makeSocket(ctx, { token: craftJws({ alg: 'HS256', typ: 'JWT' }, { ...u.claims, exp: nowS() + 3600 }) }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check('auth: malformed tokens -> TOKEN_INVALID', async (ctx) => {
  for (const token of ['garbage', 'a.b.c', 'e30.e30', `${b64u('{"alg":"HS256"}')}.!!!.x`, 'a.b.c.d.e']) {
    await expectAuthError(ctx, { token }, 'TOKEN_INVALID');
  }
});

check('auth: HS256 signed with another secret -> TOKEN_INVALID', async (ctx) => {
  await expectAuthError(ctx, { token: sign(newUser('other').claims, { secret: `${SECRET}-other` }) }, 'TOKEN_INVALID');
});

check('auth: token without sub, id or userId -> TOKEN_INVALID', async (ctx) => {
  await expectAuthError(ctx, { token: sign({ name: 'Nobody', email: 'nobody@example.test' }) }, 'TOKEN_INVALID');
});

check('auth: nbf 60 s ahead -> TOKEN_INVALID', async (ctx) => {
  const u = newUser('nbf');
  await expectAuthError(ctx, { token: sign({ ...u.claims, nbf: nowS() + 60 }) }, 'TOKEN_INVALID');
});

check('auth: exp 60 s in the past -> TOKEN_EXPIRED', async (ctx) => {
  const u = newUser('exp');
  await expectAuthError(ctx, { token: sign({ ...u.claims, exp: nowS() - 60 }, { expiresIn: null }) }, 'TOKEN_EXPIRED');
});

check('auth: exp 60 s in the past in the Authorization header -> TOKEN_EXPIRED', async (ctx) => {
  const u = newUser('exp');
  await expectAuthError(ctx, { headers: { Authorization: `Bearer ${sign({ ...u.claims, exp: nowS() - 60 }, { expiresIn: null })}` } }, 'TOKEN_EXPIRED');
});

for (const algorithm of ['HS384', 'HS512']) {
  check(`auth: ${algorithm} accepted`, async (ctx) => {
    const u = newUser(algorithm);
    const s = await connect(makeSocket(ctx, { token: sign(u.claims, { algorithm }) }), ctx);
    eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
  });
}

check('auth: user id from the id claim when there is no sub', async (ctx) => {
  const id = newId('idclaim');
  const s = await connect(makeSocket(ctx, { token: sign({ id, name: 'By id' }) }), ctx);
  eq(await whoAmI(ctx, s, id), id, 'user id');
});

check('auth: user id from the userId claim when there is neither sub nor id', async (ctx) => {
  const id = newId('useridclaim');
  const s = await connect(makeSocket(ctx, { token: sign({ userId: id, name: 'By userId' }) }), ctx);
  eq(await whoAmI(ctx, s, id), id, 'user id');
});

check('auth: sub wins over id and userId', async (ctx) => {
  const [sub, id, userId] = [newId('sub'), newId('id'), newId('userid')];
  const s = await connect(makeSocket(ctx, { token: sign({ sub, id, userId }) }), ctx);
  eq(await whoAmI(ctx, s, sub), sub, 'user id');
});

check('auth: a token expiring while connected gets auth:expired {code: TOKEN_EXPIRED}, then disconnect at exp', async (ctx) => {
  const u = newUser('expiring');
  const exp = Math.ceil(Date.now() / 1000) + 2;
  const s = await connect(makeSocket(ctx, { token: sign({ ...u.claims, exp }, { expiresIn: null }), label: u.id }), ctx);
  const order = [];
  s.on('auth:expired', () => order.push('auth:expired'));
  const gone = new Promise((resolve) => s.once('disconnect', (reason) => { order.push('disconnect'); resolve(reason); }));
  eq(await next(s, 'auth:expired', () => true, 6000, ctx), { code: 'TOKEN_EXPIRED' }, 'auth:expired payload');
  const early = exp * 1000 - Date.now();
  ok(early < 1000, `auth:expired came ${early} ms before exp`);
  ctx.step = 'waiting for the disconnect';
  eq(await gone, 'io server disconnect', 'disconnect reason');
  eq(order, ['auth:expired', 'disconnect'], 'order');
  ok(Date.now() < exp * 1000 + 2000, `disconnect came ${Date.now() - exp * 1000} ms after exp`);
}, { timeoutMs: Math.max(TIMEOUT, 9000) });

check("auth: over polling only, a token expiring while connected gets auth:expired, then disconnect 'io server disconnect', and nothing else", async (ctx) => {
  // the CLOSE travels in a poll answer of its own, after the one with auth:expired and the
  // DISCONNECT: engine.io-client acts on a CLOSE at once but hands packets over a tick later
  const u = newUser('expiring-polling');
  const exp = Math.ceil(Date.now() / 1000) + 2;
  const s = await connect(makeSocket(ctx, { token: sign({ ...u.claims, exp }, { expiresIn: null }), label: u.id, transports: ['polling'] }), ctx);
  const events = [];
  s.onAny((event) => events.push(event));
  const gone = new Promise((resolve) => s.once('disconnect', (reason) => { events.push(`disconnect ${reason}`); resolve(reason); }));
  ctx.step = 'waiting for the disconnect';
  eq(await gone, 'io server disconnect', 'disconnect reason');
  await sleep(300); // anything after the disconnect would show here
  eq(events, ['auth:expired', 'disconnect io server disconnect'], 'events after connect');
  ok(Date.now() < exp * 1000 + 2000, `disconnect came ${Date.now() - exp * 1000} ms after exp`);
}, { timeoutMs: Math.max(TIMEOUT, 9000) });

check('auth: a token expired inside the skew window is refused (TOKEN_EXPIRED) or ended at once', async (ctx) => {
  const u = newUser('skew');
  const s = makeSocket(ctx, { token: sign({ ...u.claims, exp: nowS() - 2 }, { expiresIn: null }), label: u.id });
  const outcome = await new Promise((resolve) => {
    s.once('connect', () => resolve('connect'));
    s.once('connect_error', (err) => resolve(err));
    s.connect();
  });
  if (outcome !== 'connect') {
    eq([outcome?.message, outcome?.data], ['Authentication error', { code: 'TOKEN_EXPIRED' }], 'connect_error');
    return;
  }
  const since = Date.now();
  eq(await next(s, 'auth:expired', () => true, 1500, ctx), { code: 'TOKEN_EXPIRED' }, 'auth:expired payload');
  for (; s.connected && Date.now() - since < 1500; await sleep(10));
  ok(!s.connected, 'still connected 1.5 s after auth:expired');
});

// NextAuth / Auth.js session tokens (JWE) and cookies
const COOKIE_V4 = 'next-auth.session-token';
const COOKIE_V4_SECURE = '__Secure-next-auth.session-token';
const COOKIE_V5 = 'authjs.session-token';
const COOKIE_V5_SECURE = '__Secure-authjs.session-token';

check('auth: NextAuth v4 session token (JWE dir/A256GCM) in the auth payload', async (ctx) => {
  const u = newUser('v4');
  const s = await connect(makeSocket(ctx, { token: nextAuthJwe(u.claims) }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check(`auth: Auth.js v5 session token (JWE dir/A256CBC-HS512, salt ${COOKIE_V5}) in the auth payload`, async (ctx) => {
  const u = newUser('v5');
  const s = await connect(makeSocket(ctx, { token: authJsJwe(u.claims, COOKIE_V5) }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check(`auth: Auth.js v5 session token salted ${COOKIE_V5_SECURE} in the Authorization header`, async (ctx) => {
  const u = newUser('v5');
  const s = await connect(makeSocket(ctx, { headers: { Authorization: `Bearer ${authJsJwe(u.claims, COOKIE_V5_SECURE)}` } }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check(`auth: Auth.js v5 session token salted ${COOKIE_V5} in the token query parameter`, async (ctx) => {
  const u = newUser('v5');
  const s = await connect(makeSocket(ctx, { query: { token: authJsJwe(u.claims, COOKIE_V5) } }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check('auth: session token (JWE) under another secret -> TOKEN_INVALID', async (ctx) => {
  const u = newUser('jwe');
  await expectAuthError(ctx, { token: nextAuthJwe(u.claims, { secret: `${SECRET}-other` }) }, 'TOKEN_INVALID');
  await expectAuthError(ctx, { token: authJsJwe(u.claims, COOKIE_V5, { secret: `${SECRET}-other` }) }, 'TOKEN_INVALID');
});

check('auth: expired session token (JWE, exp 60 s in the past) -> TOKEN_EXPIRED', async (ctx) => {
  const u = newUser('jwe');
  await expectAuthError(ctx, { token: nextAuthJwe(u.claims, { expiresIn: -60 }) }, 'TOKEN_EXPIRED');
  await expectAuthError(ctx, { token: authJsJwe(u.claims, COOKIE_V5, { expiresIn: -60 }) }, 'TOKEN_EXPIRED');
});

check('auth: session token (JWE) without a user id -> TOKEN_INVALID', async (ctx) => {
  await expectAuthError(ctx, { token: nextAuthJwe({ name: 'Nobody' }) }, 'TOKEN_INVALID');
});

for (const [cookie, make, transports] of [
  [COOKIE_V4, (c) => nextAuthJwe(c), ['polling']],
  [COOKIE_V4_SECURE, (c) => nextAuthJwe(c), ['websocket']],
  [COOKIE_V5, (c) => authJsJwe(c, COOKIE_V5), ['polling']],
  [COOKIE_V5_SECURE, (c) => authJsJwe(c, COOKIE_V5_SECURE), ['websocket']],
]) {
  check(`auth: cookie ${cookie} (${cookie.includes('authjs') ? 'Auth.js v5' : 'NextAuth v4'} JWE) over ${transports[0]}`, async (ctx) => {
    const u = newUser('cookie');
    const s = await connect(makeSocket(ctx, { transports, headers: { Cookie: `theme=dark; ${cookie}=${make(u.claims)}; other=1` } }), ctx);
    eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
  });
}

check(`auth: Auth.js v5 token in cookie ${COOKIE_V5_SECURE} but salted ${COOKIE_V5} -> TOKEN_INVALID`, async (ctx) => {
  const u = newUser('cookie');
  await expectAuthError(ctx, { headers: { Cookie: `${COOKIE_V5_SECURE}=${authJsJwe(u.claims, COOKIE_V5)}` } }, 'TOKEN_INVALID');
});

check('auth: the auth payload wins over a session cookie', async (ctx) => {
  const u = newUser('cookie');
  const other = newUser('cookie');
  const s = await connect(makeSocket(ctx, { token: u.token, headers: { Cookie: `${COOKIE_V4}=${nextAuthJwe(other.claims)}` } }), ctx);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
});

check('auth: chunked session cookies NAME.0, NAME.1, NAME.2 (NextAuth v4 and Auth.js v5) [not-in-peer]', async (ctx) => {
  for (const [cookie, make] of [[COOKIE_V4, (c) => nextAuthJwe(c)], [COOKIE_V5, (c) => authJsJwe(c, COOKIE_V5)]]) {
    const u = newUser('chunk');
    const token = make(u.claims);
    const third = Math.ceil(token.length / 3);
    const chunks = [0, 1, 2].map((i) => token.slice(i * third, (i + 1) * third));
    // NextAuth orders chunks by their numeric suffix, not by their place in the header
    const header = `${cookie}.0=${chunks[0]}; ${cookie}.2=${chunks[2]}; ${cookie}.1=${chunks[1]}`;
    const s = await connect(makeSocket(ctx, { headers: { Cookie: header }, label: cookie }), ctx);
    eq(await whoAmI(ctx, s, u.id), u.id, `user id (${cookie})`);
  }
});

// ================================================================= checks: message:send
check('message:send: happy path (message:sent to the sender, the same Message as message:receive to the recipient)', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  ctx.step = 'message:send';
  sa.emit('message:send', { recipientId: b.id, content: 'hello there' });
  const sent = await next(sa, 'message:sent', () => true, WAIT, ctx);
  checkMessage(sent, { senderId: a.id, recipientId: b.id, content: 'hello there' }, 'message:sent');
  const received = await next(sb, 'message:receive', () => true, WAIT, ctx);
  eq(received, sent, 'message:receive vs message:sent');
  await quiet(sa, 'message:receive');
  await quiet(sb, 'message:sent', () => true, 0);
});

check('message:send: ack {ok: true, message} in addition to message:sent and message:receive', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const m = await sendOk(ctx, sa, { recipientId: b.id, content: 'with ack', sessionId: 's-1', clientMessageId: `c-${RUN}` },
    { senderId: a.id, recipientId: b.id, content: 'with ack', sessionId: 's-1', clientMessageId: `c-${RUN}` });
  eq(await next(sb, 'message:receive', () => true, WAIT, ctx), m, 'message:receive vs ack.message');
});

check('message:send: works over polling with an ack', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx, { transports: ['polling'] });
  const m = await sendOk(ctx, sa, { recipientId: b.id, content: 'polling' }, { senderId: a.id, recipientId: b.id, content: 'polling' });
  eq(await next(sb, 'message:receive', () => true, WAIT, ctx), m, 'message:receive');
});

check('message:send: content trimmed of Unicode white space and line terminators, inner white space kept', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const content = ' \t\n\r\v\f\u00a0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000\ufeffhello \u00a0\n world\ufeff\u2028\u00a0 \t';
  const m = await sendOk(ctx, sa, { recipientId: b.id, content }, { senderId: a.id, recipientId: b.id, content: 'hello \u00a0\n world' });
  eq((await next(sb, 'message:receive', () => true, WAIT, ctx)).content, 'hello \u00a0\n world', 'message:receive content');
  eq(m.content, content.trim(), 'content vs String.prototype.trim');
});

check('message:send: characters String.prototype.trim keeps are kept (\\u0001 \\u001c \\u0085 \\u200b \\u180e)', async (ctx) => {
  const { a, b, sa } = await pair(ctx);
  const content = '\u0001\u001c\u0085\u200b\u180e hi \u180e\u200b\u0085\u001c\u0001';
  eq(content.trim(), content, 'self-test: String.prototype.trim keeps these');
  await sendOk(ctx, sa, { recipientId: b.id, content }, { senderId: a.id, recipientId: b.id, content });
  const onlyControl = '\u200b';
  await sendOk(ctx, sa, { recipientId: b.id, content: ` ${onlyControl} ` }, { senderId: a.id, recipientId: b.id, content: onlyControl });
});

check(`message:send: ${MAX_MESSAGE_LENGTH} 'a' accepted (also inside white space), ${MAX_MESSAGE_LENGTH + 1} refused`, async (ctx) => {
  const { a, b, sa } = await pair(ctx);
  const max = 'a'.repeat(MAX_MESSAGE_LENGTH);
  await sendOk(ctx, sa, { recipientId: b.id, content: max }, { senderId: a.id, recipientId: b.id, content: max });
  await sendOk(ctx, sa, { recipientId: b.id, content: `  \n${max}\u3000 ` }, { senderId: a.id, recipientId: b.id, content: max });
  await sendRefused(ctx, sa, [{ recipientId: b.id, content: `${max}a`, clientMessageId: 'too-long' }], 'VALIDATION_FAILED', 'too-long');
});

check(`message:send: ${MAX_MESSAGE_LENGTH / 2} emoji accepted, ${MAX_MESSAGE_LENGTH / 2 + 1} refused (UTF-16 code units)`, async (ctx) => {
  const { a, b, sa } = await pair(ctx);
  const max = '\u{1F600}'.repeat(MAX_MESSAGE_LENGTH / 2);
  const m = await sendOk(ctx, sa, { recipientId: b.id, content: max }, { senderId: a.id, recipientId: b.id, content: max });
  eq(m.content.length, MAX_MESSAGE_LENGTH, 'stored length');
  await sendRefused(ctx, sa, [{ recipientId: b.id, content: `${max}\u{1F600}` }], 'VALIDATION_FAILED');
  const odd = `${'\u{1F600}'.repeat(MAX_MESSAGE_LENGTH / 2 - 1)}ab`; // 4000 units, 2001 code points
  await sendOk(ctx, sa, { recipientId: b.id, content: odd }, { senderId: a.id, recipientId: b.id, content: odd });
  await sendRefused(ctx, sa, [{ recipientId: b.id, content: `${odd}c` }], 'VALIDATION_FAILED');
});

// VALIDATION_FAILED cases: [name, (recipientId) => emit arguments (without the ack), expected echoed clientMessageId]
const long = (n, ch = 'x') => ch.repeat(n);
const EMOJI_192 = '\u{1F600}'.repeat(96); // 96 code points, 192 UTF-16 units
const invalidCases = [
  ['payload a string', () => ['hello'], null],
  ['payload a number', () => [42], null],
  ['payload null', () => [null], null],
  ['payload true', () => [true], null],
  ['no payload at all', () => [], null],
  ['array payload', (r) => [[{ recipientId: r, content: 'hi', clientMessageId: 'c-arr' }]], null],
  ['missing recipientId', () => [{ content: 'hi', clientMessageId: 'c-1' }], 'c-1'],
  ['empty recipientId', () => [{ recipientId: '', content: 'hi', clientMessageId: 'c-2' }], 'c-2'],
  ['recipientId of 192 characters', () => [{ recipientId: long(192), content: 'hi', clientMessageId: 'c-3' }], 'c-3'],
  ['recipientId a number', () => [{ recipientId: 42, content: 'hi' }], null],
  ['recipientId null', () => [{ recipientId: null, content: 'hi' }], null],
  ['recipientId an array', (r) => [{ recipientId: [r], content: 'hi' }], null],
  ['missing content', (r) => [{ recipientId: r, clientMessageId: 'c-4' }], 'c-4'],
  ['content a number', (r) => [{ recipientId: r, content: 5 }], null],
  ['content null', (r) => [{ recipientId: r, content: null }], null],
  ['content an object', (r) => [{ recipientId: r, content: { text: 'hi' } }], null],
  ['content an array of strings', (r) => [{ recipientId: r, content: ['hi'] }], null],
  ['empty content', (r) => [{ recipientId: r, content: '', clientMessageId: 'c-5' }], 'c-5'],
  ['whitespace-only content', (r) => [{ recipientId: r, content: ' \t\n\u00a0\u2028\u2029\ufeff\u3000 ', clientMessageId: 'c-6' }], 'c-6'],
  ['sessionId a number', (r) => [{ recipientId: r, content: 'hi', sessionId: 7, clientMessageId: 'c-7' }], 'c-7'],
  ['sessionId an object', (r) => [{ recipientId: r, content: 'hi', sessionId: { id: 's' } }], null],
  ['sessionId a boolean', (r) => [{ recipientId: r, content: 'hi', sessionId: false }], null],
  ['sessionId of 192 characters', (r) => [{ recipientId: r, content: 'hi', sessionId: long(192), clientMessageId: 'c-8' }], 'c-8'],
  ['sessionId of 192 UTF-16 units (96 emoji)', (r) => [{ recipientId: r, content: 'hi', sessionId: EMOJI_192 }], null],
  ['clientMessageId a number', (r) => [{ recipientId: r, content: 'hi', clientMessageId: 7 }], null],
  ['clientMessageId an object', (r) => [{ recipientId: r, content: 'hi', clientMessageId: { id: 'c' } }], null],
  ['clientMessageId of 192 characters', (r) => [{ recipientId: r, content: 'hi', clientMessageId: long(192, 'c') }], long(192, 'c')],
  ['clientMessageId of 192 UTF-16 units (96 emoji)', (r) => [{ recipientId: r, content: 'hi', clientMessageId: EMOJI_192 }], EMOJI_192],
  ['a binary attachment inside the payload', (r) => [{ recipientId: r, content: 'hi', clientMessageId: 'c-bin', file: Buffer.from([1, 2, 3]) }], 'c-bin'],
  ['binary content', (r) => [{ recipientId: r, content: Buffer.from('hi') }], null],
  ['a binary attachment as an extra argument', (r) => [{ recipientId: r, content: 'hi', clientMessageId: 'c-bin2' }, Buffer.from([1])], 'c-bin2'],
];
for (const [name, args, echoed] of invalidCases) {
  check(`message:send VALIDATION_FAILED: ${name} (ack, message:error, connection stays open)`, async (ctx) => {
    const { a, b, sa, sb } = await pair(ctx);
    await sendRefused(ctx, sa, args(b.id), 'VALIDATION_FAILED', echoed);
    // still usable, and nothing of the refused send reached the recipient
    const m = await sendOk(ctx, sa, { recipientId: b.id, content: 'after the refusal' }, { senderId: a.id, recipientId: b.id, content: 'after the refusal' });
    eq(await next(sb, 'message:receive', () => true, WAIT, ctx), m, 'first message:receive after the refusal');
    await quiet(sb, 'message:receive', () => true, 0);
  });
}

check('message:send VALIDATION_FAILED without an ack: message:error only, connection stays open', async (ctx) => {
  const { b, sa } = await pair(ctx);
  sa.emit('message:send', { recipientId: b.id, content: '   ', clientMessageId: 'c-noack' });
  sa.emit('message:send');
  const errors = [await next(sa, 'message:error', () => true, WAIT, ctx), await next(sa, 'message:error', () => true, WAIT, ctx)];
  eq(errors.map((e) => [e.code, e.clientMessageId]), [['VALIDATION_FAILED', 'c-noack'], ['VALIDATION_FAILED', null]], 'message:error [code, clientMessageId]');
  await sleep(100);
  ok(sa.connected, 'disconnected after refusals');
});

check('message:send: RECIPIENT_NOT_FOUND for an unknown recipient (ack and message:error)', async (ctx) => {
  const { sa } = await pair(ctx);
  await sendRefused(ctx, sa, [{ recipientId: newId('never-connected'), content: 'anyone?', clientMessageId: 'c-nf' }], 'RECIPIENT_NOT_FOUND', 'c-nf');
  await sendRefused(ctx, sa, [{ recipientId: `${newId('never')}-`.padEnd(MAX_ID, 'z'), content: 'anyone?' }], 'RECIPIENT_NOT_FOUND');
});

check(`message:send: a recipientId of ${MAX_ID} characters is accepted`, async (ctx) => {
  const a = newUser('a');
  const b = newUser('b', { id: `${newId('long')}-`.padEnd(MAX_ID, 'l') });
  const sa = await online(ctx, a);
  const sb = await online(ctx, b);
  const m = await sendOk(ctx, sa, { recipientId: b.id, content: 'long id' }, { senderId: a.id, recipientId: b.id, content: 'long id' });
  eq(await next(sb, 'message:receive', () => true, WAIT, ctx), m, 'message:receive');
});

check(`message:send: sessionId absent, null, a string, ${MAX_ID} characters round-trip`, async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const cases = [[{}, null], [{ sessionId: null }, null], [{ sessionId: 'session-1' }, 'session-1'], [{ sessionId: long(MAX_ID, 's') }, long(MAX_ID, 's')],
    [{ sessionId: `${'\u{1F600}'.repeat(95)}s` }, `${'\u{1F600}'.repeat(95)}s`]];
  for (const [extra, sessionId] of cases) {
    const m = await sendOk(ctx, sa, { recipientId: b.id, content: 'sid', ...extra }, { senderId: a.id, recipientId: b.id, content: 'sid', sessionId });
    eq(await next(sb, 'message:receive', () => true, WAIT, ctx), m, 'message:receive');
  }
});

check(`message:send: clientMessageId absent, a string, ${MAX_ID} UTF-16 units round-trip`, async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const cases = [[{}, null], [{ clientMessageId: 'cm-1' }, 'cm-1'], [{ clientMessageId: long(MAX_ID, 'c') }, long(MAX_ID, 'c')],
    [{ clientMessageId: `${'\u{1F600}'.repeat(95)}c` }, `${'\u{1F600}'.repeat(95)}c`]];
  for (const [extra, clientMessageId] of cases) {
    const m = await sendOk(ctx, sa, { recipientId: b.id, content: 'cmid', ...extra }, { senderId: a.id, recipientId: b.id, content: 'cmid', clientMessageId });
    eq(await next(sb, 'message:receive', () => true, WAIT, ctx), m, 'message:receive');
  }
});

check('message:send: clientMessageId null is accepted, stored as null, and not a dedup key [not-in-peer]', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const m1 = await sendOk(ctx, sa, { recipientId: b.id, content: 'n1', clientMessageId: null }, { senderId: a.id, recipientId: b.id, content: 'n1' });
  const m2 = await sendOk(ctx, sa, { recipientId: b.id, content: 'n2', clientMessageId: null }, { senderId: a.id, recipientId: b.id, content: 'n2' });
  ok(m1.id !== m2.id, 'two sends with clientMessageId null got the same message');
  eq([await next(sb, 'message:receive', () => true, WAIT, ctx), await next(sb, 'message:receive', () => true, WAIT, ctx)], [m1, m2], 'message:receive');
});

check('message:send: notes to self (message:sent to the sending socket, message:receive to each of the user\'s sockets)', async (ctx) => {
  const a = newUser('self');
  const other = newUser('other');
  const s1 = await online(ctx, a, { label: `${a.id}#1` });
  const s2 = await online(ctx, a, { label: `${a.id}#2`, transports: ['polling'] });
  const so = await online(ctx, other);
  const m = await sendOk(ctx, s1, { recipientId: a.id, content: 'note to self' }, { senderId: a.id, recipientId: a.id, content: 'note to self' });
  eq(await next(s1, 'message:receive', () => true, WAIT, ctx), m, 'message:receive on socket 1');
  eq(await next(s2, 'message:receive', () => true, WAIT, ctx), m, 'message:receive on socket 2');
  await quiet(s2, 'message:sent');
  await quiet(s1, 'message:receive', () => true, 0);
  await quiet(so, 'message:receive', () => true, 0);
});

check('message:send: message:receive to every socket of the recipient, message:sent to the sending socket only', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const c = newUser('c');
  const a1 = await online(ctx, a, { label: `${a.id}#1` });
  const a2 = await online(ctx, a, { label: `${a.id}#2` });
  const b1 = await online(ctx, b, { label: `${b.id}#1` });
  const b2 = await online(ctx, b, { label: `${b.id}#2`, transports: ['polling'] });
  const sc = await online(ctx, c);
  const m = await sendOk(ctx, a1, { recipientId: b.id, content: 'to both' }, { senderId: a.id, recipientId: b.id, content: 'to both' });
  eq(await next(b1, 'message:receive', () => true, WAIT, ctx), m, 'message:receive on recipient socket 1');
  eq(await next(b2, 'message:receive', () => true, WAIT, ctx), m, 'message:receive on recipient socket 2');
  await quiet(a2, 'message:sent');
  for (const s of [a1, a2, b1, b2, sc]) await quiet(s, 'message:receive', () => true, 0);
  for (const s of [b1, b2, sc]) await quiet(s, 'message:sent', () => true, 0);
});

check('message:send: the same clientMessageId twice answers the stored message again, delivered once', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const cid = `dup-${RUN}`;
  const first = await sendOk(ctx, sa, { recipientId: b.id, content: 'first', clientMessageId: cid }, { senderId: a.id, recipientId: b.id, content: 'first', clientMessageId: cid });
  eq(await next(sb, 'message:receive', () => true, WAIT, ctx), first, 'message:receive');
  const again = await sendOk(ctx, sa, { recipientId: b.id, content: 'second', clientMessageId: cid }, { senderId: a.id, recipientId: b.id, content: 'first', clientMessageId: cid });
  eq(again, first, 'retry answer vs the stored message');
  // also without an ack: message:sent only
  sa.emit('message:send', { recipientId: b.id, content: 'third', clientMessageId: cid });
  eq(await next(sa, 'message:sent', () => true, WAIT, ctx), first, 'message:sent of the ack-less retry');
  await quiet(sb, 'message:receive');
  eq(count(sb, 'message:receive'), 1, 'message:receive count');
});

check('message:send: clientMessageId is per sender (two senders, same clientMessageId, two messages)', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const c = newUser('c');
  const sc = await online(ctx, c);
  const cid = `shared-${RUN}`;
  const m1 = await sendOk(ctx, sa, { recipientId: b.id, content: 'from a', clientMessageId: cid }, { senderId: a.id, recipientId: b.id, content: 'from a', clientMessageId: cid });
  const m2 = await sendOk(ctx, sc, { recipientId: b.id, content: 'from c', clientMessageId: cid }, { senderId: c.id, recipientId: b.id, content: 'from c', clientMessageId: cid });
  ok(m1.id !== m2.id, 'both senders got the same message id');
  eq(await next(sb, 'message:receive', (m) => m.id === m1.id, WAIT, ctx), m1, 'message:receive from a');
  eq(await next(sb, 'message:receive', (m) => m.id === m2.id, WAIT, ctx), m2, 'message:receive from c');
});

check('message:send: 200 sends without waiting arrive in send order (message:sent, acks, message:receive)', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const N = 200;
  const acks = [];
  ctx.step = `sending ${N} messages`;
  for (let i = 0; i < N; i++) {
    sa.emit('message:send', { recipientId: b.id, content: `#${i}`, clientMessageId: `order-${i}` }, (answer) => acks.push(answer));
  }
  const until = async (what, cond) => {
    ctx.step = `waiting for ${what}`;
    for (const end = Date.now() + 4 * WAIT; !cond(); await sleep(20)) if (Date.now() > end) fail(`${what}: incomplete after ${4 * WAIT} ms`);
  };
  await until(`${N} acks`, () => acks.length >= N);
  await until(`${N} message:sent`, () => count(sa, 'message:sent') >= N);
  await until(`${N} message:receive`, () => count(sb, 'message:receive') >= N);
  const expected = Array.from({ length: N }, (_, i) => `#${i}`);
  ok(acks.every((x) => x?.ok === true), `a refused ack: ${show(acks.find((x) => x?.ok !== true))}`);
  eq(acks.map((x) => x.message.content), expected, 'ack order');
  const sent = sa.log.filter((e) => e.event === 'message:sent').map((e) => e.args[0]);
  eq(sent.map((m) => m.content), expected, 'message:sent order');
  const received = sb.log.filter((e) => e.event === 'message:receive').map((e) => e.args[0]);
  eq(received.map((m) => m.content), expected, 'message:receive order');
  eq(received, sent, 'message:receive vs message:sent');
  eq(new Set(sent.map((m) => m.id)).size, N, 'distinct ids');
  const times = sent.map((m) => Date.parse(m.createdAt));
  ok(times.every((t, i) => i === 0 || t >= times[i - 1]), 'createdAt goes backwards in send order');
  checkMessage(sent[N - 1], { senderId: a.id, recipientId: b.id, content: `#${N - 1}`, clientMessageId: `order-${N - 1}` }, 'last message');
}, { timeoutMs: Math.max(TIMEOUT, 5 * WAIT) });

check('message:send: unknown extra keys are ignored (id, senderId, createdAt cannot be forged)', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const m = await sendOk(ctx, sa, {
    recipientId: b.id, content: 'extra keys', id: 'forged-id', senderId: 'forged-sender', createdAt: '2000-01-01T00:00:00.000Z', extra: { nested: [1, 2] }, foo: 1,
  }, { senderId: a.id, recipientId: b.id, content: 'extra keys' });
  ok(m.id !== 'forged-id', 'the message took the forged id');
  ok(m.createdAt !== '2000-01-01T00:00:00.000Z', 'the message took the forged createdAt');
  eq(await next(sb, 'message:receive', () => true, WAIT, ctx), m, 'message:receive');
});

check('message:send: extra arguments are ignored (with and without an ack)', async (ctx) => {
  const { a, b, sa, sb } = await pair(ctx);
  const answer = await emitAck(sa, 'message:send', { recipientId: b.id, content: 'extra args' }, 'extra', 42, { x: 1 });
  eq(answer?.ok, true, `ack.ok (${show(answer)})`);
  checkMessage(answer.message, { senderId: a.id, recipientId: b.id, content: 'extra args' }, 'ack.message');
  eq(await next(sa, 'message:sent', () => true, WAIT, ctx), answer.message, 'message:sent');
  sa.emit('message:send', { recipientId: b.id, content: 'extra args, no ack' }, 'extra', null);
  const sent = await next(sa, 'message:sent', () => true, WAIT, ctx);
  checkMessage(sent, { senderId: a.id, recipientId: b.id, content: 'extra args, no ack' }, 'message:sent');
  eq([await next(sb, 'message:receive', () => true, WAIT, ctx), await next(sb, 'message:receive', () => true, WAIT, ctx)], [answer.message, sent], 'message:receive');
});

// ================================================================= checks: presence
const userIs = (id) => (p) => p?.userId === id;

check('presence: user:online {userId} to other sockets on a user\'s first connection only', async (ctx) => {
  const o = newUser('observer');
  const u = newUser('u');
  const so = await online(ctx, o);
  const s1 = await online(ctx, u, { label: `${u.id}#1` });
  const event = await next(so, 'user:online', userIs(u.id), WAIT, ctx);
  eq(event, { userId: u.id }, 'user:online payload');
  const s2 = await online(ctx, u, { label: `${u.id}#2`, transports: ['polling'] });
  await quiet(so, 'user:online', userIs(u.id));
  await quiet(s1, 'user:online', userIs(u.id), 0);
  await quiet(s2, 'user:online', userIs(u.id), 0);
});

check('presence: user:offline {userId} only when the user\'s last socket closes', async (ctx) => {
  const o = newUser('observer');
  const u = newUser('u');
  const so = await online(ctx, o);
  const s1 = await online(ctx, u, { label: `${u.id}#1` });
  const s2 = await online(ctx, u, { label: `${u.id}#2`, transports: ['polling'] });
  ctx.step = 'closing the first socket';
  await disconnectAndWait(s1);
  await quiet(so, 'user:offline', userIs(u.id));
  await quiet(s2, 'user:offline', userIs(u.id), 0);
  ctx.step = 'closing the last socket';
  await disconnectAndWait(s2);
  eq(await next(so, 'user:offline', userIs(u.id), WAIT, ctx), { userId: u.id }, 'user:offline payload');
});

check('presence: status:request -> users:online, each online id once, without users gone offline', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const c = newUser('c');
  const sa = await online(ctx, a);
  await online(ctx, b, { label: `${b.id}#1` });
  await online(ctx, b, { label: `${b.id}#2` });
  const sc = await online(ctx, c);
  await disconnectAndWait(sc);
  await next(sa, 'user:offline', userIs(c.id), WAIT, ctx);
  sa.emit('status:request');
  const list = await next(sa, 'users:online', () => true, WAIT, ctx);
  ok(Array.isArray(list) && list.every((x) => typeof x === 'string'), `users:online: expected an array of ids, got ${show(list)}`);
  eq(list.length, new Set(list).size, 'users:online has duplicates');
  ok(list.includes(a.id) && list.includes(b.id), `users:online lacks ${a.id} or ${b.id}`);
  ok(!list.includes(c.id), `users:online still lists ${c.id}, who went offline`);
});

check('presence: status:request with an ack -> the same array by ack and as users:online', async (ctx) => {
  const { a, b, sa } = await pair(ctx);
  const acked = await emitAck(sa, 'status:request');
  const event = await next(sa, 'users:online', () => true, WAIT, ctx);
  ok(Array.isArray(acked), `ack: expected an array, got ${show(acked)}`);
  eq([...acked].sort(), [...event].sort(), 'ack vs users:online');
  ok(acked.includes(a.id) && acked.includes(b.id), 'ack lacks the two online users');
  await quiet(sa, 'users:online');
});

// ================================================================= checks: users:list
async function directory(ctx) {
  const tag = `Zq${RUN}${++counter}`;
  const lower = tag.toLowerCase();
  const users = {
    // name matches (different case), online
    onName: newUser('ul', { id: newId('ul') }),
    // id matches, name does not, online
    onId: newUser('ul', { id: `${newId('ul')}-${lower}` }),
    // name matches, offline
    offName: newUser('ul', { id: newId('ul') }),
    // matches nothing
    nothing: newUser('ul', { id: newId('ul') }),
  };
  users.onName.claims.name = `Alice ${tag.toUpperCase()} Online`;
  users.offName.claims.name = `Bob ${lower} Offline`;
  users.onId.claims.name = 'Carol';
  users.nothing.claims.name = 'Dave';
  for (const u of Object.values(users)) u.token = sign(u.claims);
  const sockets = {};
  for (const [k, u] of Object.entries(users)) sockets[k] = await online(ctx, u);
  await disconnectAndWait(sockets.offName);
  await next(sockets.onName, 'user:offline', userIs(users.offName.id), WAIT, ctx);
  return { tag, users, sockets };
}

check('users:list: by ack, case-insensitive match on id or name, online first, {id, name, image, online}, no email [not-in-peer]', async (ctx) => {
  const { tag, users, sockets } = await directory(ctx);
  const answer = await emitAck(sockets.nothing, 'users:list', { query: tag });
  keysEq(answer, ['ok', 'users'], 'ack');
  eq(answer.ok, true, 'ack.ok');
  ok(Array.isArray(answer.users), `ack.users: ${show(answer.users)}`);
  for (const u of answer.users) keysEq(u, ['id', 'name', 'image', 'online'], `user ${u?.id}`);
  const ids = answer.users.map((u) => u.id);
  eq([...ids.slice(0, 2)].sort(), [users.onName.id, users.onId.id].sort(), 'online matches first');
  eq(ids.slice(2), [users.offName.id], 'then the offline match');
  const byId = Object.fromEntries(answer.users.map((u) => [u.id, u]));
  eq(byId[users.onName.id], { id: users.onName.id, name: users.onName.claims.name, image: users.onName.claims.picture, online: true }, 'online user');
  eq(byId[users.offName.id], { id: users.offName.id, name: users.offName.claims.name, image: users.offName.claims.picture, online: false }, 'offline user');
  ok(!JSON.stringify(answer).includes('@example.test'), 'an email is listed');
  await quiet(sockets.nothing, 'users:list');
});

check('users:list: without an ack -> the event users:list [not-in-peer]', async (ctx) => {
  const { tag, users, sockets } = await directory(ctx);
  sockets.nothing.emit('users:list', { query: tag.toLowerCase(), limit: 10 });
  const answer = await next(sockets.nothing, 'users:list', () => true, WAIT, ctx);
  eq(answer?.ok, true, `users:list ok (${show(answer)})`);
  eq(answer.users.map((u) => u.id).sort(), [users.onName.id, users.onId.id, users.offName.id].sort(), 'listed ids');
  await quiet(sockets.nothing, 'users:list');
});

check('users:list: limit 1..100, else VALIDATION_FAILED by ack [not-in-peer]', async (ctx) => {
  const { tag, sockets } = await directory(ctx);
  const s = sockets.nothing;
  const one = await emitAck(s, 'users:list', { query: tag, limit: 1 });
  eq([one?.ok, one?.users?.length], [true, 1], 'limit 1: [ok, users.length]');
  const hundred = await emitAck(s, 'users:list', { query: tag, limit: 100 });
  eq([hundred?.ok, hundred?.users?.length], [true, 3], 'limit 100: [ok, users.length]');
  for (const payload of [{ limit: 0 }, { limit: 101 }, { limit: -1 }, { limit: 1.5 }, { limit: '10' }, { query: 5 }, 'text', [1]]) {
    const answer = await emitAck(s, 'users:list', payload);
    keysEq(answer, ['ok', 'error'], `ack for ${show(payload)}`);
    eq([answer.ok, answer.error?.code, typeof answer.error?.message], [false, 'VALIDATION_FAILED', 'string'], `ack for ${show(payload)}`);
  }
  ok(s.connected, 'disconnected after the refusals');
});

check('users:list: default limit 50, no query lists users [not-in-peer]', async (ctx) => {
  const tag = `Zl${RUN}${++counter}`;
  const members = Array.from({ length: 51 }, () => newUser('many', { id: `${newId('many')}-${tag}` }));
  ctx.step = 'connecting 51 users';
  await Promise.all(members.map((u) => online(ctx, u)));
  const s = ctx.sockets.at(-1);
  const answer = await emitAck(s, 'users:list', { query: tag });
  eq([answer?.ok, answer?.users?.length], [true, 50], 'default limit: [ok, users.length]');
  const all = await emitAck(s, 'users:list', { query: tag, limit: 100 });
  eq(all?.users?.length, 51, 'limit 100: users.length');
  const noQuery = await emitAck(s, 'users:list', {});
  ok(noQuery?.ok === true && Array.isArray(noQuery.users) && noQuery.users.length >= 1 && noQuery.users.length <= 50, `no query: ${show(noQuery)}`);
  ok(noQuery.users[0].online === true, 'no query: the first user listed is not online');
}, { timeoutMs: Math.max(TIMEOUT, 15000) });

// ================================================================= checks: HTTP
check('http: GET /healthz -> 200 {"status":"ok"}', async (ctx) => {
  ctx.step = 'GET /healthz';
  const res = await httpRequest('GET', '/healthz');
  eq(res.status, 200, 'status');
  let body;
  try { body = JSON.parse(res.body); } catch { fail(`body is not JSON: ${show(res.body)}`); }
  eq(body, { status: 'ok' }, 'body');
});

check('http: GET /readyz -> 200', async (ctx) => {
  ctx.step = 'GET /readyz';
  eq((await httpRequest('GET', '/readyz')).status, 200, 'status');
});

check('http: GET /metrics -> 200 Prometheus text with # TYPE lines', async (ctx) => {
  ctx.step = 'GET /metrics';
  const res = await httpRequest('GET', '/metrics');
  eq(res.status, 200, 'status');
  ok(/^text\/plain/.test(res.headers['content-type'] ?? ''), `content-type: ${show(res.headers['content-type'])}`);
  ok(/^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$/m.test(res.body), `no "# TYPE name type" line in ${show(res.body)}`);
});

check('origins: no Origin header -> polling handshake and websocket upgrade allowed', async (ctx) => {
  const res = await pollingHandshake(ctx);
  eq(res.status, 200, 'polling handshake status');
  const ws = await rawWebSocket(ctx);
  ok(ws.ws, `websocket upgrade refused with status ${ws.status}`);
});

check('origins: allowed origin, polling handshake -> Access-Control-Allow-Origin and -Credentials', async (ctx) => {
  const res = await pollingHandshake(ctx, { Origin: ALLOWED_ORIGIN });
  eq(res.status, 200, 'status');
  eq(res.headers['access-control-allow-origin'], ALLOWED_ORIGIN, 'Access-Control-Allow-Origin');
  eq(res.headers['access-control-allow-credentials'], 'true', 'Access-Control-Allow-Credentials');
}, { needsOrigin: true });

check('origins: allowed origin, preflight -> allow headers', async (ctx) => {
  ctx.step = 'OPTIONS preflight';
  const res = await httpRequest('OPTIONS', `${POLL}&t=pre`, {
    headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
  });
  ok(res.status >= 200 && res.status <= 299, `status: expected 2xx, got ${res.status}`);
  eq(res.headers['access-control-allow-origin'], ALLOWED_ORIGIN, 'Access-Control-Allow-Origin');
  eq(res.headers['access-control-allow-credentials'], 'true', 'Access-Control-Allow-Credentials');
  // GET and POST are CORS-safelisted methods: Access-Control-Allow-Methods may be left out, but must not exclude them
  const methods = res.headers['access-control-allow-methods'];
  if (methods !== undefined) {
    const list = methods.toUpperCase().split(/\s*,\s*/);
    ok(list.includes('GET') && list.includes('POST'), `Access-Control-Allow-Methods lacks GET or POST: ${show(methods)}`);
  }
  // with credentials, "*" is no wildcard: the requested header must be named
  const allowed = (res.headers['access-control-allow-headers'] ?? '').toLowerCase().split(/\s*,\s*/);
  ok(allowed.includes('authorization'), `Access-Control-Allow-Headers lacks authorization: ${show(res.headers['access-control-allow-headers'])}`);
}, { needsOrigin: true });

check('origins: allowed origin, websocket upgrade and socket.io-client connect', async (ctx) => {
  const ws = await rawWebSocket(ctx, { Origin: ALLOWED_ORIGIN });
  ok(ws.ws, `websocket upgrade refused with status ${ws.status}`);
  const u = newUser('origin');
  const s = await online(ctx, u, { transports: ['polling', 'websocket'], headers: { Origin: ALLOWED_ORIGIN } });
  await upgraded(ctx, s);
  eq(await whoAmI(ctx, s, u.id), u.id, 'user id');
}, { needsOrigin: true });

check('origins: disallowed origin, polling handshake and polling request of a session -> 403', async (ctx) => {
  const res = await pollingHandshake(ctx, { Origin: EVIL_ORIGIN });
  eq(res.status, 403, 'handshake status');
  const session = await pollingHandshake(ctx);
  eq(session.status, 200, 'handshake without Origin');
  const sid = encodeURIComponent(session.open.sid);
  ctx.step = 'GET with a disallowed Origin';
  eq((await httpRequest('GET', `${POLL}&sid=${sid}`, { headers: { Origin: EVIL_ORIGIN } })).status, 403, 'GET status');
  ctx.step = 'POST with a disallowed Origin';
  eq((await httpRequest('POST', `${POLL}&sid=${sid}`, { headers: { Origin: EVIL_ORIGIN, 'Content-Type': 'text/plain;charset=UTF-8' }, body: '40' })).status, 403, 'POST status');
}, { needsOrigin: true });

check('origins: disallowed origin, preflight -> no Access-Control-Allow-* headers', async (ctx) => {
  ctx.step = 'OPTIONS preflight';
  const res = await httpRequest('OPTIONS', `${POLL}&t=pre`, {
    headers: { Origin: EVIL_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
  });
  eq(allowHeaders(res.headers), [], 'Access-Control-Allow-* headers');
}, { needsOrigin: true });

check('origins: disallowed origin, websocket upgrade -> 403', async (ctx) => {
  const res = await rawWebSocket(ctx, { Origin: EVIL_ORIGIN });
  ok(!res.ws, 'the websocket opened');
  eq(res.status, 403, 'status');
}, { needsOrigin: true });

check('origins: disallowed origin, socket.io-client cannot connect', async (ctx) => {
  const u = newUser('evil');
  for (const transports of [['polling'], ['websocket']]) {
    const err = await connectRefused(makeSocket(ctx, { token: u.token, transports, headers: { Origin: EVIL_ORIGIN }, label: transports[0] }), ctx);
    ok(err?.message !== 'Authentication error', `${transports[0]}: refused by authentication, not by origin`);
  }
}, { needsOrigin: true });

// ---------------------------------------------------------------- go
exitWith(main);
