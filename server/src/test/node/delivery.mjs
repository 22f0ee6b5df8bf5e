#!/usr/bin/env node
// Black-box test of the "Delivery" section of the chatctl wire contract (docs/PROTOCOL.md):
// offline delivery, delivered-once, message:delivered / message:read receipts, connection state
// recovery as socket.io-client 4.6+ speaks it, message:history and conversation:list. It drives
// any server of the contract with the real socket.io-client; a small TCP proxy (node:net) plays a
// connection that dies without the server noticing.
//
//   node delivery.mjs --url http://127.0.0.1:3001 --secret SECRET
//                     [--only SUBSTRING ...] [--skip SUBSTRING ...] [--timeout-ms 5000] [--list]
//                     [--recovery-window-s N]   the server's RECOVERY_WINDOW, when short (enables [window])
//                     [--restart-via-stdio]     a driver restarts the server on request (enables [restart])
//                     [--timing]                a comment line with each check's duration
//
// One line per check (`ok - name`, `not ok - name: reason`, `ok - name # SKIP reason`), then
// `# passed N, failed M, skipped K` (machine lines too with CHECK_REPORT=1, as harness.mjs
// describes). Exit code 0 only when nothing failed. CHECK_DEBUG=1 prints
// each step of each check with its time.
//
// Restart protocol (--restart-via-stdio): at the point of a restart the script prints the line
// `# restart-request` and waits for the line `restarted` on stdin; the driver stops the server and
// starts it again on the same database and the same port (so clients reconnect to it).
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import readline from 'node:readline';
import { parseArgs, isDeepStrictEqual } from 'node:util';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { configure, QUIET, checks, check, CheckFailure, fail, show, eq, ok, keysEq, runChecks, exitWith, next, quiet, sleep, emitAck, disconnectAndWait } from './harness.mjs';

// ---------------------------------------------------------------- options
const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    secret: { type: 'string' },
    only: { type: 'string', multiple: true, default: [] },
    skip: { type: 'string', multiple: true, default: [] },
    'timeout-ms': { type: 'string', default: '5000' },
    'recovery-window-s': { type: 'string' },
    'restart-via-stdio': { type: 'boolean', default: false },
    timing: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const USAGE = 'usage: node delivery.mjs --url http://127.0.0.1:PORT --secret SECRET [--only SUBSTRING ...] [--skip SUBSTRING ...] [--timeout-ms 5000] [--recovery-window-s N] [--restart-via-stdio] [--timing] [--list]';
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
const TIMEOUT = Number(opt['timeout-ms']);
configure(TIMEOUT);
if (!(TIMEOUT > 0)) {
  console.error('--timeout-ms must be a positive number');
  process.exit(2);
}
const RECOVERY_WINDOW_S = opt['recovery-window-s'] === undefined ? null : Number(opt['recovery-window-s']);
if (RECOVERY_WINDOW_S !== null && !(RECOVERY_WINDOW_S > 0 && RECOVERY_WINDOW_S <= 60)) {
  console.error('--recovery-window-s must be a number of seconds from 1 to 60');
  process.exit(2);
}
const WAIT = Math.max(500, TIMEOUT - 1000); // one wait inside a check: shorter than the check, for a precise reason
const RUN = crypto.randomBytes(4).toString('hex'); // fresh ids each run: reruns never collide
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MESSAGE_KEYS = ['id', 'senderId', 'recipientId', 'content', 'sessionId', 'clientMessageId', 'createdAt'];
const STORED_KEYS = [...MESSAGE_KEYS, 'deliveredAt', 'readAt'];

async function main() {
  if (opt.list) {
    for (const c of checks) console.log(c.name);
    return 0;
  }
  return runChecks({
    title: `chatctl delivery test against ${BASE} (run ${RUN})`,
    only: opt.only.map((s) => s.toLowerCase()),
    skip: opt.skip.map((s) => s.toLowerCase()),
    skipReason: (c) => (c.needsWindow && RECOVERY_WINDOW_S === null ? 'needs --recovery-window-s' : c.needsRestart && !opt['restart-via-stdio'] ? 'needs --restart-via-stdio' : null),
    timing: opt.timing,
  });
}

// ---------------------------------------------------------------- users and tokens
let counter = 0;
const newId = (label = 'u') => `u-${RUN}-${label}-${++counter}`;

/** A user of this run: id and an HS256 token valid for an hour. */
function newUser(label) {
  const id = newId(label);
  const claims = { sub: id, name: `Name ${id}` };
  return { id, claims, token: jwt.sign(claims, SECRET, { algorithm: 'HS256', expiresIn: '1h' }) };
}

// ---------------------------------------------------------------- socket.io-client helpers
/**
 * A socket.io-client socket (not yet connected) that logs every event it gets (all arguments,
 * the offset included); closed at the end of the check. o: {token, auth, base (another server
 * URL, e.g. a proxy), transports ('default' for socket.io-client's own; else ['websocket'] unless
 * told), label, ...other client options}. Reconnection is off unless asked: the checks reconnect
 * with socket.connect(), which keeps the pid and offset as an automatic reconnection does.
 */
function makeSocket(ctx, { token, auth, base = BASE, transports = ['websocket'], label = 'socket', ...rest } = {}) {
  const socket = io(base, {
    forceNew: true,
    reconnection: false,
    autoConnect: false,
    timeout: WAIT,
    ...(transports !== 'default' && { transports }),
    ...(auth !== undefined ? { auth } : token !== undefined ? { auth: { token } } : {}),
    ...rest,
  });
  socket.label = label;
  socket.log = [];
  socket.waiters = new Set();
  socket.connects = []; // {pid, recovered} of each connect
  socket.onAny((event, ...args) => {
    socket.log.push({ event, args, used: false });
    wake(socket);
  });
  socket.on('connect', () => {
    socket.connects.push({ pid: socket._pid, recovered: socket.recovered });
    wake(socket);
  });
  socket.on('disconnect', (reason) => {
    socket.disconnectReason = reason;
    wake(socket);
  });
  ctx.sockets.push(socket);
  if (ctx.done) socket.connect = () => socket; // the check timed out and was cleaned up: open nothing more
  return socket;
}
const wake = (socket) => {
  for (const w of [...socket.waiters]) w();
};

/** Connects (or reconnects); resolves with the socket, fails the check on connect_error or no answer. */
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
/** makeSocket + connect for a user (newUser()). */
async function online(ctx, user, o = {}) {
  return connect(makeSocket(ctx, { token: user.token, label: user.id, ...o }), ctx);
}
/** Makes the user known to the directory (one connect), then leaves it with no socket (as the server sees it). */
async function register(ctx, user) {
  const s = await online(ctx, user, { label: `${user.id}#register` });
  const gone = await watchOffline(ctx, user.id);
  await disconnectAndWait(s);
  await gone();
}
/**
 * Call before a user's last socket goes; the function it returns waits until the server has seen
 * it go (user:offline on an observer's socket). A socket.io-client socket reports its disconnect at
 * once, before the server has read it: a message sent meanwhile may still be written to the
 * closing socket, and then counts as delivered.
 */
async function watchOffline(ctx, userId) {
  ctx.observer ??= await online(ctx, newUser('observer'), { label: 'observer' });
  const observer = ctx.observer;
  const from = mark(observer);
  return () => until(observer, () => observer.log.slice(from).some((e) => e.event === 'user:offline' && e.args[0]?.userId === userId),
    `user:offline of ${userId} (the server has seen its last socket go)`, ctx);
}

/** Waits until cond() is truthy (re-evaluated on every event of `sockets`, one or an array); resolves with its value. */
function until(sockets, cond, what, ctx, ms = WAIT, detail = () => '') {
  if (ctx) ctx.step = `waiting for ${what}`;
  const all = Array.isArray(sockets) ? sockets : [sockets];
  return new Promise((resolve, reject) => {
    const look = () => {
      const v = cond();
      if (v) {
        done();
        resolve(v);
      }
    };
    const timer = setTimeout(() => { done(); reject(new CheckFailure(`${what}: not within ${ms} ms${detail() ? ` (${detail()})` : ''}`)); }, ms);
    const done = () => { clearTimeout(timer); for (const s of all) s.waiters.delete(look); };
    for (const s of all) s.waiters.add(look);
    look();
  });
}
/** Closes the socket's Engine.IO connection under it (as a network drop does); the socket keeps its pid and offset. */
async function dropTransport(ctx, socket) {
  ctx.step = `closing the transport of ${socket.label}`;
  const gone = new Promise((resolve) => socket.once('disconnect', resolve));
  socket.io.engine.close();
  await Promise.race([gone, sleep(WAIT).then(() => fail(`${socket.label}: no disconnect after closing its transport`))]);
}

function checkMessage(m, { senderId, recipientId, content, sessionId = null, clientMessageId = null }, what = 'message', keys = MESSAGE_KEYS) {
  keysEq(m, keys, what);
  ok(typeof m.id === 'string' && m.id.length > 0, `${what}.id: expected a non-empty string, got ${show(m.id)}`);
  eq(m.senderId, senderId, `${what}.senderId`);
  eq(m.recipientId, recipientId, `${what}.recipientId`);
  eq(m.content, content, `${what}.content`);
  eq(m.sessionId, sessionId, `${what}.sessionId`);
  eq(m.clientMessageId, clientMessageId, `${what}.clientMessageId`);
  ok(typeof m.createdAt === 'string' && ISO_MS.test(m.createdAt), `${what}.createdAt: expected ISO-8601 UTC with milliseconds, got ${show(m.createdAt)}`);
}
const isTime = (v) => typeof v === 'string' && ISO_MS.test(v);
const pick = (m, keys = MESSAGE_KEYS) => Object.fromEntries(keys.map((k) => [k, m?.[k]]));

/** Sends one message with an ack; returns the stored message. */
async function send(ctx, from, recipientId, content, extra = {}) {
  ctx.step = `message:send from ${from.label}`;
  const answer = await emitAck(from, 'message:send', { recipientId, content, ...extra });
  if (answer?.ok !== true) fail(`message:send ack: expected {ok: true, message}, got ${show(answer)}`);
  return answer.message;
}
/** Sends n messages without waiting between them (each with an ack); returns them in send order. */
async function sendMany(ctx, from, recipientId, n, label = 'm') {
  ctx.step = `sending ${n} messages from ${from.label}`;
  const tag = `${label}-${++counter}`;
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) => emitAck(from, 'message:send', { recipientId, content: `${tag} ${i + 1}`, clientMessageId: `${tag}-${i + 1}` })),
  );
  answers.forEach((a, i) => ok(a?.ok === true, `message ${i + 1} of ${n}: ${show(a)}`));
  return answers.map((a) => a.message);
}

/** The message:receive entries of a socket from log index `from` on: {m, args, offset}. */
function received(socket, from = 0) {
  return socket.log.slice(from).filter((e) => e.event === 'message:receive').map((e) => ({ m: e.args[0], args: e.args, offset: e.args.at(-1) }));
}
const ids = (list) => list.map((x) => x.id ?? x.m?.id);
const mark = (socket) => socket.log.length;

/**
 * Waits until `socket` has received (from log index `from`) every message of `expected`, then
 * watches QUIET ms more, and checks it got exactly those, in that order, each once, equal to the
 * stored message, each with a non-empty string offset as one extra last argument.
 */
async function receivesExactly(ctx, socket, expected, { from = 0, what = `message:receive on ${socket.label}`, ms = WAIT } = {}) {
  const want = new Set(ids(expected));
  await until(socket, () => received(socket, from).filter((r) => want.has(r.m?.id)).length >= want.size, `${what}: ${want.size} messages`, ctx, ms,
    () => `got ${received(socket, from).length}: ${show(received(socket, from).map((r) => r.m?.content))}`);
  await sleep(QUIET);
  const got = received(socket, from);
  if (!isDeepStrictEqual(ids(got), ids(expected))) {
    const counts = new Map();
    for (const r of got) counts.set(r.m?.id, (counts.get(r.m?.id) ?? 0) + 1);
    const twice = got.filter((r) => counts.get(r.m?.id) > 1).map((r) => r.m?.content);
    const extra = got.filter((r) => !want.has(r.m?.id)).map((r) => r.m?.content);
    const gotIds = ids(got);
    const missing = expected.filter((m) => !gotIds.includes(m.id)).map((m) => m.content);
    let at = 0;
    while (at < got.length && got[at].m?.id === expected[at]?.id) at++;
    const around = (list) => list.slice(Math.max(0, at - 3), at + 5);
    fail(`${what}: expected ${expected.length} messages in order, got ${got.length}; first difference at #${at + 1}: ` +
      `expected ${show(around(expected).map((m) => m.content))}, got ${show(around(got).map((r) => r.m?.content))}` +
      (missing.length ? `; missing: ${show(missing)}` : '') + (twice.length ? `; more than once: ${show([...new Set(twice)])}` : '') + (extra.length ? `; not expected: ${show(extra)}` : ''));
  }
  got.forEach((r, i) => {
    eq(r.m, expected[i], `${what} #${i + 1}`);
    eq(r.args.length, 2, `${what} #${i + 1}: number of arguments (message, offset)`);
    ok(typeof r.offset === 'string' && r.offset.length > 0, `${what} #${i + 1}: offset: expected a non-empty string, got ${show(r.offset)}`);
  });
  eq(new Set(got.map((r) => r.offset)).size, got.length, `${what}: distinct offsets`);
  return got;
}

/** Every receipt `event` on `socket`: checks each payload's shape; returns [{ids, payload}]. */
function receipts(socket, event, from = 0) {
  const keys = event === 'message:delivered' ? ['messageIds', 'recipientId', 'deliveredAt'] : ['messageIds', 'readerId', 'readAt'];
  const time = event === 'message:delivered' ? 'deliveredAt' : 'readAt';
  return socket.log.slice(from).filter((e) => e.event === event).map((e) => {
    const p = e.args[0];
    keysEq(p, keys, `${event} on ${socket.label}`);
    ok(Array.isArray(p.messageIds) && p.messageIds.length > 0 && p.messageIds.every((x) => typeof x === 'string'), `${event}.messageIds: ${show(p.messageIds)}`);
    ok(isTime(p[time]), `${event}.${time}: expected ISO-8601 UTC with milliseconds, got ${show(p[time])}`);
    return { ids: p.messageIds, payload: p };
  });
}
const receiptIds = (socket, event, from = 0) => receipts(socket, event, from).flatMap((r) => r.ids);

/**
 * Waits until `socket` has `event` receipts (from log index `from`) covering every id of `expected`
 * (batched or not), watches QUIET ms more, and checks each id is receipted exactly once and no
 * other id is; `field` is recipientId (delivered) or readerId (read). Returns the payloads.
 */
async function receiptsExactly(ctx, socket, event, expected, { from = 0, field, ms = WAIT } = {}) {
  const want = ids(expected);
  const key = event === 'message:delivered' ? 'recipientId' : 'readerId';
  await until(socket, () => want.every((id) => receiptIds(socket, event, from).includes(id)), `${event} on ${socket.label} for ${want.length} messages`, ctx, ms,
    () => `got ${show(receipts(socket, event, from).map((r) => r.payload))}`);
  await sleep(QUIET);
  const got = receiptIds(socket, event, from);
  const list = receipts(socket, event, from);
  if (!isDeepStrictEqual([...got].sort(), [...want].sort())) {
    fail(`${event} on ${socket.label}: expected each of ${show(want)} receipted once, got ${show(list.map((r) => r.payload))}`);
  }
  if (field !== undefined) for (const r of list) eq(r.payload[key], field, `${event}.${key}`);
  return list.map((r) => r.payload);
}

/** A refusal by ack: {ok: false, error: {code, message}}. */
function refusedByAck(answer, code, what) {
  keysEq(answer, ['ok', 'error'], what);
  eq(answer.ok, false, `${what}.ok`);
  keysEq(answer.error, ['code', 'message'], `${what}.error`);
  eq(answer.error.code, code, `${what}.error.code`);
  ok(typeof answer.error.message === 'string' && answer.error.message.length > 0, `${what}.error.message: ${show(answer.error.message)}`);
}
/** A refusal without an ack: message:error {error, code, clientMessageId: null}. */
async function refusedByEvent(ctx, socket, code, what) {
  const error = await next(socket, 'message:error', () => true, WAIT, ctx);
  keysEq(error, ['error', 'code', 'clientMessageId'], `${what}: message:error`);
  eq(error.code, code, `${what}: message:error.code`);
  eq(error.clientMessageId, null, `${what}: message:error.clientMessageId`);
  ok(typeof error.error === 'string' && error.error.length > 0, `${what}: message:error.error: ${show(error.error)}`);
}

// ---------------------------------------------------------------- a TCP proxy whose connections can die silently
/**
 * A TCP proxy to the server. `dieSilently(pair)` plays a connection that dies on the way: from
 * then on nothing passes either way, the client's side is cut (the client sees its transport
 * close) and the server's side stays open, so the server keeps writing into it, unaware, until
 * its heartbeat gives up.
 */
async function startProxy(ctx) {
  const target = new URL(BASE);
  const pairs = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || (target.protocol === 'https:' ? 443 : 80)), target.hostname);
    const pair = { client, upstream, dead: false, toClient: 0 };
    pairs.push(pair);
    client.on('data', (d) => { if (!pair.dead) upstream.write(d); });
    upstream.on('data', (d) => {
      if (pair.dead) pair.swallowed = (pair.swallowed ?? 0) + d.length;
      else client.write(d);
    });
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('close', () => { if (!pair.dead) upstream.destroy(); });
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctx.closers.push(async () => {
    for (const p of pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    pairs,
    /** Stops the current connection passing anything (the server's side stays open). */
    freeze() {
      const pair = pairs.at(-1);
      pair.dead = true;
      return pair;
    },
    /** Cuts the client's side of a frozen connection: the client sees its transport close. */
    cut(pair) {
      if (!(pair.swallowed > 0)) fail('the server wrote nothing into the dead connection (the scenario did not happen)');
      pair.client.destroy();
    },
  };
}

// ---------------------------------------------------------------- restarts (--restart-via-stdio)
let stdinLines;
async function restartServer(ctx) {
  ctx.step = 'waiting for the driver to restart the server';
  stdinLines ??= readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  console.log('# restart-request');
  for (;;) {
    const { value, done } = await stdinLines.next();
    if (done) fail('stdin closed before the server was restarted');
    if (value.trim() === 'restarted') return;
  }
}
function httpGet(path) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, BASE + '/');
    const req = (url.protocol === 'https:' ? https : http).get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.setTimeout(1000, () => req.destroy(new Error('timeout')));
  });
}
async function waitHealthy(ctx, ms = 30_000) {
  ctx.step = 'waiting for /healthz after the restart';
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    try {
      if ((await httpGet('/healthz')) === 200) return;
    } catch {
      // not up yet
    }
  }
  fail(`the server did not answer /healthz within ${ms} ms of the restart`);
}

// ================================================================= checks: offline delivery
check('offline: messages stored while the recipient has no socket arrive on its next connect, oldest first, each with a string offset as last argument', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const sent = [];
  for (let i = 1; i <= 3; i++) sent.push(await send(ctx, sa, b.id, `offline ${i}`, { sessionId: i === 2 ? 'sess-1' : null }));
  checkMessage(sent[1], { senderId: a.id, recipientId: b.id, content: 'offline 2', sessionId: 'sess-1' }, 'stored message');
  const sb = await online(ctx, b);
  await receivesExactly(ctx, sb, sent);
});

check('offline: a backlog from several senders comes whole, in store order, each sender\'s messages in send order', async (ctx) => {
  const b = newUser('b');
  await register(ctx, b);
  const senders = await Promise.all(['a', 'c', 'd'].map((l) => online(ctx, newUser(l))));
  const sent = [];
  for (let round = 1; round <= 4; round++) {
    for (const s of senders) sent.push(await send(ctx, s, b.id, `round ${round} from ${s.label}`));
  }
  const sb = await online(ctx, b);
  await receivesExactly(ctx, sb, sent);
});

check('offline: the backlog comes before anything newer, also while the sender keeps sending during the connect', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const backlog = await sendMany(ctx, sa, b.id, 60, 'backlog');
  const sb = makeSocket(ctx, { token: b.token, label: b.id });
  const connecting = connect(sb, ctx);
  const newer = await sendMany(ctx, sa, b.id, 40, 'newer'); // sent while b connects and gets its backlog
  await connecting;
  const more = await sendMany(ctx, sa, b.id, 5, 'after');
  await receivesExactly(ctx, sb, [...backlog, ...newer, ...more]);
}, { timeoutMs: Math.max(TIMEOUT, 10_000) });

check('offline: a backlog of 1500 messages arrives whole and in order, then newer ones sent during it', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const backlog = [];
  for (let i = 0; i < 3; i++) backlog.push(...(await sendMany(ctx, sa, b.id, 500, `big${i}`)));
  const sb = makeSocket(ctx, { token: b.token, label: b.id });
  const connecting = connect(sb, ctx);
  const newer = await sendMany(ctx, sa, b.id, 50, 'newer');
  await connecting;
  await receivesExactly(ctx, sb, [...backlog, ...newer], { ms: 20_000 });
}, { timeoutMs: Math.max(TIMEOUT, 40_000) });

check('offline: two sockets connecting at once: each undelivered message goes to one of them, none twice, none lost', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const sent = await sendMany(ctx, sa, b.id, 30, 'split');
  const [s1, s2] = await Promise.all([online(ctx, b, { label: `${b.id}#1` }), online(ctx, b, { label: `${b.id}#2`, transports: ['polling'] })]);
  const want = new Set(ids(sent));
  const both = () => [...received(s1), ...received(s2)].filter((r) => want.has(r.m.id));
  const order = (list) => list.map((id) => ids(sent).indexOf(id) + 1);
  await until([s1, s2], () => new Set(ids(both())).size === want.size, 'all 30 messages on one socket or the other', ctx, WAIT,
    () => `#1 got ${show(order(ids(received(s1))))}, #2 got ${show(order(ids(received(s2))))}`);
  await sleep(QUIET);
  const r1 = ids(received(s1));
  const r2 = ids(received(s2));
  eq(r1.filter((id) => r2.includes(id)), [], 'messages sent to both sockets');
  eq([...r1, ...r2].length, want.size, 'messages received in all');
  for (const [label, list] of [['#1', r1], ['#2', r2]]) eq(order(list), [...order(list)].sort((x, y) => x - y), `order on ${label}`);
  await receiptsExactly(ctx, sa, 'message:delivered', sent, { field: b.id });
});

check('offline: a backlog of 300 messages over HTTP long-polling arrives whole and in order', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const sent = await sendMany(ctx, sa, b.id, 300, 'polling');
  const sb = await online(ctx, b, { transports: ['polling'] });
  await receivesExactly(ctx, sb, sent, { ms: 10_000 });
  eq(sb.io.engine.transport.name, 'polling', 'transport');
}, { timeoutMs: Math.max(TIMEOUT, 15_000) });

// ================================================================= checks: delivered once
check('delivered: a message written to a socket is not sent again to a later session (new connect without pid)', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await online(ctx, b);
  const m = await send(ctx, sa, b.id, 'live once');
  await receivesExactly(ctx, sb, [m]);
  await disconnectAndWait(sb);
  const sb2 = await online(ctx, b, { label: `${b.id}#later` });
  await quiet(sb2, 'message:receive');
});

check('delivered: a backlog written to one session is not sent again to the next one', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const sent = await sendMany(ctx, sa, b.id, 5, 'once');
  const sb = await online(ctx, b);
  await receivesExactly(ctx, sb, sent);
  const gone = await watchOffline(ctx, b.id);
  await disconnectAndWait(sb);
  await gone();
  const m = await send(ctx, sa, b.id, 'only this one');
  const sb2 = await online(ctx, b, { label: `${b.id}#next` });
  await receivesExactly(ctx, sb2, [m]);
});

check('delivered: a message delivered live to one socket is not in the backlog of another socket the recipient opens later', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb1 = await online(ctx, b, { label: `${b.id}#1` });
  const m = await send(ctx, sa, b.id, 'to the open socket');
  await receivesExactly(ctx, sb1, [m]);
  const sb2 = await online(ctx, b, { label: `${b.id}#2` });
  const m2 = await send(ctx, sa, b.id, 'to both sockets');
  await receivesExactly(ctx, sb2, [m2], { what: 'message:receive on the second socket' });
  await receivesExactly(ctx, sb1, [m, m2], { what: 'message:receive on the first socket' });
});

// ================================================================= checks: receipts
check('message:delivered: a live delivery -> {messageIds, recipientId, deliveredAt} to every socket of the sender, each id once', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa1 = await online(ctx, a, { label: `${a.id}#1` });
  const sa2 = await online(ctx, a, { label: `${a.id}#2`, transports: ['polling'] });
  const sb = await online(ctx, b);
  const sent = [await send(ctx, sa1, b.id, 'receipt 1'), ...(await sendMany(ctx, sa1, b.id, 4, 'receipt'))];
  await receivesExactly(ctx, sb, sent);
  await receiptsExactly(ctx, sa1, 'message:delivered', sent, { field: b.id });
  await receiptsExactly(ctx, sa2, 'message:delivered', sent, { field: b.id });
  await quiet(sb, 'message:delivered');
});

check('message:delivered: offline messages are receipted when the recipient connects, not before, and once', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa1 = await online(ctx, a, { label: `${a.id}#1` });
  const sa2 = await online(ctx, a, { label: `${a.id}#2` });
  const sent = await sendMany(ctx, sa1, b.id, 3, 'pending');
  await quiet(sa1, 'message:delivered');
  await quiet(sa2, 'message:delivered', () => true, 0);
  const sb = await online(ctx, b);
  await receivesExactly(ctx, sb, sent);
  const payloads = await receiptsExactly(ctx, sa1, 'message:delivered', sent, { field: b.id });
  await receiptsExactly(ctx, sa2, 'message:delivered', sent, { field: b.id });
  for (const p of payloads) ok(Date.parse(p.deliveredAt) >= Date.parse(sent[0].createdAt), `deliveredAt ${p.deliveredAt} is before the message was stored (${sent[0].createdAt})`);
  const from = mark(sa1);
  await disconnectAndWait(sb);
  await online(ctx, b, { label: `${b.id}#again` });
  await sleep(QUIET);
  eq(receiptIds(sa1, 'message:delivered', from), [], 'receipts after the recipient connected again');
});

check('message:read: the ack {ok: true, messageIds} lists the reader\'s own received messages newly read; other ids are ignored', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const c = newUser('c');
  const sa = await online(ctx, a);
  const sb = await online(ctx, b);
  await register(ctx, c);
  const m1 = await send(ctx, sa, b.id, 'read me 1');
  const m2 = await send(ctx, sa, b.id, 'read me 2');
  const m3 = await send(ctx, sa, b.id, 'leave me unread');
  const toC = await send(ctx, sa, c.id, 'not for b');
  const own = await send(ctx, sb, a.id, 'sent by b');
  await receivesExactly(ctx, sb, [m1, m2, m3]);
  const answer = await emitAck(sb, 'message:read', { messageIds: [m1.id, toC.id, own.id, `nope-${RUN}`, m2.id] });
  keysEq(answer, ['ok', 'messageIds'], 'ack');
  eq(answer.ok, true, 'ack.ok');
  eq([...answer.messageIds].sort(), [m1.id, m2.id].sort(), 'ack.messageIds');
  // the ignored ones are unchanged: their own recipients can still read them
  const forC = await online(ctx, c);
  await receivesExactly(ctx, forC, [toC]);
  eq((await emitAck(forC, 'message:read', { messageIds: [toC.id] }))?.messageIds, [toC.id], 'c reads its own message afterwards');
  eq((await emitAck(sa, 'message:read', { messageIds: [own.id] }))?.messageIds, [own.id], 'a reads b\'s message afterwards');
  eq((await emitAck(sb, 'message:read', { messageIds: [m3.id] }))?.messageIds, [m3.id], 'b reads the third message');
});

check('message:read: receipts {messageIds, readerId, readAt} to every socket of the sender, not to the reader; read and receipted once', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa1 = await online(ctx, a, { label: `${a.id}#1` });
  const sa2 = await online(ctx, a, { label: `${a.id}#2` });
  const sb = await online(ctx, b);
  const sent = await sendMany(ctx, sa1, b.id, 3, 'read');
  await receivesExactly(ctx, sb, sent);
  const answer = await emitAck(sb, 'message:read', { messageIds: ids(sent) });
  eq([answer?.ok, [...(answer?.messageIds ?? [])].sort()], [true, ids(sent).sort()], 'ack [ok, messageIds]');
  const payloads = await receiptsExactly(ctx, sa1, 'message:read', sent, { field: b.id });
  await receiptsExactly(ctx, sa2, 'message:read', sent, { field: b.id });
  for (const p of payloads) ok(Date.parse(p.readAt) >= Date.parse(sent[2].createdAt), `readAt ${p.readAt} is before the message was stored`);
  await quiet(sb, 'message:read', () => true, 0);
  const from = mark(sa1);
  const again = await emitAck(sb, 'message:read', { messageIds: ids(sent) });
  eq(again, { ok: true, messageIds: [] }, 'second read: ack');
  await sleep(QUIET);
  eq(receiptIds(sa1, 'message:read', from), [], 'receipts after the second read');
});

check('message:read: without an ack the messages are still marked read and receipted', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await online(ctx, b);
  const m = await send(ctx, sa, b.id, 'read without ack');
  await receivesExactly(ctx, sb, [m]);
  sb.emit('message:read', { messageIds: [m.id] });
  await receiptsExactly(ctx, sa, 'message:read', [m], { field: b.id });
  eq(await emitAck(sb, 'message:read', { messageIds: [m.id] }), { ok: true, messageIds: [] }, 'a read with an ack afterwards');
});

check('message:read: receipts of messages from several senders go to each sender, with its own ids only', async (ctx) => {
  const a = newUser('a');
  const c = newUser('c');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sc = await online(ctx, c);
  const sb = await online(ctx, b);
  const fromA = await sendMany(ctx, sa, b.id, 2, 'from-a');
  const fromC = await sendMany(ctx, sc, b.id, 2, 'from-c');
  await receivesExactly(ctx, sb, [...fromA, ...fromC]);
  const answer = await emitAck(sb, 'message:read', { messageIds: [fromA[0].id, fromC[0].id, fromA[1].id, fromC[1].id] });
  eq([...(answer?.messageIds ?? [])].sort(), ids([...fromA, ...fromC]).sort(), 'ack.messageIds');
  await receiptsExactly(ctx, sa, 'message:read', fromA, { field: b.id });
  await receiptsExactly(ctx, sc, 'message:read', fromC, { field: b.id });
});

check('message:read: wrong payloads -> VALIDATION_FAILED by ack, else message:error with clientMessageId null; the connection stays open', async (ctx) => {
  const b = newUser('b');
  const sb = await online(ctx, b);
  for (const payload of ['text', null, [1], {}, { messageIds: 'x' }, { messageIds: [1, 2] }]) {
    refusedByAck(await emitAck(sb, 'message:read', payload), 'VALIDATION_FAILED', `ack for ${show(payload)}`);
  }
  await quiet(sb, 'message:error');
  sb.emit('message:read', { messageIds: 'x' });
  await refusedByEvent(ctx, sb, 'VALIDATION_FAILED', 'without an ack');
  ok(sb.connected, 'disconnected after the refusals');
  eq(await emitAck(sb, 'message:read', { messageIds: [] }), { ok: true, messageIds: [] }, 'an empty list');
});

// ================================================================= checks: connection state recovery
/** A socket of `user` whose CONNECT answer must carry a pid; o as makeSocket. */
async function recoverable(ctx, user, o = {}) {
  const s = await online(ctx, user, o);
  ok(typeof s._pid === 'string' && s._pid.length > 0, `${s.label}: the CONNECT answer carries no pid (socket.io-client saw ${show(s._pid)})`);
  eq(s.recovered, false, `${s.label}: recovered on a first connect`);
  return s;
}
/** Reconnects a socket that lost its connection; it sends its pid and offset; checks recovered. */
async function reconnect(ctx, socket, expectRecovered = true) {
  const before = socket._pid;
  const offset = socket._lastOffset;
  await connect(socket, ctx);
  if (expectRecovered) {
    eq(socket.recovered, true, `${socket.label}: socket.recovered after reconnecting with pid ${show(before)} and offset ${show(offset)}`);
    eq(socket._pid, before, `${socket.label}: pid after recovery`);
  } else {
    eq(socket.recovered, false, `${socket.label}: socket.recovered`);
    ok(typeof socket._pid === 'string' && socket._pid.length > 0 && socket._pid !== before, `${socket.label}: expected a new pid, got ${show(socket._pid)} (was ${show(before)})`);
  }
  return socket;
}

check('recovery: the CONNECT answer carries a pid; message:receive carries the offset as one extra, last, string argument', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b);
  const sent = await sendMany(ctx, sa, b.id, 3, 'offset');
  const got = await receivesExactly(ctx, sb, sent);
  eq(sb._lastOffset, got[2].offset, 'the offset socket.io-client keeps');
});

check('recovery: transport closed under the recipient while messages are sent -> recovered, every missed message once, in order, offset last', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b);
  const first = await sendMany(ctx, sa, b.id, 3, 'before');
  await receivesExactly(ctx, sb, first);
  await dropTransport(ctx, sb);
  const missed = await sendMany(ctx, sa, b.id, 5, 'missed');
  const from = mark(sb);
  await reconnect(ctx, sb);
  const after = await sendMany(ctx, sa, b.id, 2, 'after');
  await receivesExactly(ctx, sb, [...missed, ...after], { from });
});

check('recovery: connection dead under the recipient while the server still writes to it -> recovered, what was written to it replayed once, in order', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const proxy = await startProxy(ctx);
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b, { base: proxy.url });
  const first = await sendMany(ctx, sa, b.id, 3, 'before');
  await receivesExactly(ctx, sb, first);
  const pair = proxy.freeze();
  const lost = await sendMany(ctx, sa, b.id, 5, 'lost'); // the server writes these into the dead connection
  await sleep(200);
  const gone = new Promise((resolve) => sb.once('disconnect', resolve));
  proxy.cut(pair);
  await gone;
  ok(received(sb).length === 3, `${sb.label} got messages through a dead connection`);
  const from = mark(sb);
  await reconnect(ctx, sb);
  const after = await sendMany(ctx, sa, b.id, 2, 'after');
  await receivesExactly(ctx, sb, [...lost, ...after], { from });
}, { timeoutMs: Math.max(TIMEOUT, 10_000) });

check('recovery: automatic reconnection while the sender keeps sending -> every message exactly once, in order, recovered', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const proxy = await startProxy(ctx);
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b, { base: proxy.url, reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200, randomizationFactor: 0 });
  let cutting = true; // the sender keeps sending until every cut has happened, however slow the machine
  const sending = (async () => {
    const all = [];
    for (let i = 0; cutting || i < 20; i++) {
      all.push(...(await sendMany(ctx, sa, b.id, 10, `stream${i}`)));
      await sleep(20);
    }
    return all;
  })();
  try {
    for (let i = 0; i < 3; i++) {
      await sleep(100);
      const pair = proxy.freeze();
      for (let t = 0; t < 100 && !(pair.swallowed > 0); t++) await sleep(20); // until the server writes into it
      proxy.cut(pair);
      await until(sb, () => sb.connects.length >= i + 2, `reconnect ${i + 1} of ${sb.label}`, ctx);
    }
  } finally {
    cutting = false;
  }
  const all = await sending;
  await receivesExactly(ctx, sb, all, { ms: 10_000 });
  eq(sb.connects.map((c) => c.recovered), [false, true, true, true], 'recovered on each connect');
}, { timeoutMs: Math.max(TIMEOUT, 20_000) });

check('recovery: pid and no offset (nothing received in that session) -> the replay covers everything stored since the session began', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const old = await send(ctx, sa, b.id, 'delivered before this session');
  const sbOld = await online(ctx, b, { label: `${b.id}#old` });
  await receivesExactly(ctx, sbOld, [old]);
  const goneOld = await watchOffline(ctx, b.id);
  await disconnectAndWait(sbOld);
  await goneOld();
  const proxy = await startProxy(ctx);
  const sb = await recoverable(ctx, b, { base: proxy.url });
  await sleep(100);
  const pair = proxy.freeze();
  const lost = await sendMany(ctx, sa, b.id, 3, 'lost');
  await sleep(200);
  const gone = new Promise((resolve) => sb.once('disconnect', resolve));
  proxy.cut(pair);
  await gone;
  eq(sb._lastOffset, undefined, 'offset kept by socket.io-client (nothing received)');
  const missed = await sendMany(ctx, sa, b.id, 2, 'missed');
  await reconnect(ctx, sb);
  await receivesExactly(ctx, sb, [...lost, ...missed]);
}, { timeoutMs: Math.max(TIMEOUT, 10_000) });

check('recovery: the replay covers messages another socket of the user got meanwhile; the user\'s own sends and receipts are not replayed', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b, { label: `${b.id}#recovering` });
  const other = await online(ctx, b, { label: `${b.id}#other` });
  const first = await send(ctx, sa, b.id, 'to both');
  await receivesExactly(ctx, sb, [first]);
  await dropTransport(ctx, sb);
  const meanwhile = await sendMany(ctx, sa, b.id, 3, 'meanwhile');
  await receivesExactly(ctx, other, [first, ...meanwhile], { what: 'message:receive on the other socket' });
  const own = await send(ctx, other, a.id, 'b writes to a'); // not addressed to b: not replayed
  await emitAck(other, 'message:read', { messageIds: ids(meanwhile) }); // receipts: not replayed
  const note = await send(ctx, other, b.id, 'b notes to self'); // addressed to b: replayed
  await receivesExactly(ctx, other, [note], { from: other.log.findIndex((e) => e.event === 'message:receive' && e.args[0]?.id === note.id), what: 'note to self on the other socket' });
  const from = mark(sb);
  await reconnect(ctx, sb);
  await receivesExactly(ctx, sb, [...meanwhile, note], { from });
  eq(sb.log.slice(from).filter((e) => e.event === 'message:sent' || (e.event === 'message:receive' && e.args[0]?.id === own.id)).length, 0, 'own sends replayed');
});

check('recovery: a replayed message that was delivered already is not receipted again; one that was not is receipted once, with its own deliveredAt', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const proxy = await startProxy(ctx);
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b, { base: proxy.url });
  const first = await send(ctx, sa, b.id, 'first');
  await receivesExactly(ctx, sb, [first]);
  const pair = proxy.freeze();
  const lost = await sendMany(ctx, sa, b.id, 2, 'lost'); // delivered (written to b's connection) but never seen
  await receiptsExactly(ctx, sa, 'message:delivered', [first, ...lost], { field: b.id });
  const gone = new Promise((resolve) => sb.once('disconnect', resolve));
  const seen = await watchOffline(ctx, b.id);
  proxy.cut(pair);
  await gone;
  pair.upstream.destroy(); // now the server sees the connection go too
  await seen();
  const from = mark(sa);
  await sleep(10); // deliveredAt of the missed ones must be after this
  const missed = await sendMany(ctx, sa, b.id, 2, 'missed'); // stored while b has no socket: undelivered
  await sleep(QUIET);
  eq(receiptIds(sa, 'message:delivered', from), [], 'message:delivered while b has no socket');
  const fromB = mark(sb);
  await reconnect(ctx, sb);
  await receivesExactly(ctx, sb, [...lost, ...missed], { from: fromB });
  const payloads = await receiptsExactly(ctx, sa, 'message:delivered', missed, { from, field: b.id });
  for (const p of payloads) {
    ok(Date.parse(p.deliveredAt) >= Date.parse(missed[0].createdAt), `deliveredAt ${p.deliveredAt} of ${show(p.messageIds)} is before they were stored (${missed[0].createdAt})`);
  }
}, { timeoutMs: Math.max(TIMEOUT, 10_000) });

check('recovery: a recovered socket that closes during its replay: what was delivered before is not sent again to a later new session', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const proxy = await startProxy(ctx);
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b, { base: proxy.url });
  const first = await send(ctx, sa, b.id, 'first');
  await receivesExactly(ctx, sb, [first]);
  const pair = proxy.freeze();
  const lost = []; // written to b's dead connection: delivered. More than one write of a replay (the peer and chatctl write at most 1000 at once)
  for (let i = 0; i < 3; i++) lost.push(...(await sendMany(ctx, sa, b.id, 400, `lost${i}`)));
  const gone = new Promise((resolve) => sb.once('disconnect', resolve));
  const seen = await watchOffline(ctx, b.id);
  proxy.cut(pair);
  await gone;
  pair.upstream.destroy();
  await seen();
  for (let i = 0; i < 5; i++) {
    ctx.step = `recovering and closing at the first replayed message (${i + 1})`;
    const closed = new Promise((resolve) => sb.once('disconnect', resolve));
    sb.once('message:receive', () => sb.io.engine.close()); // gone while the server writes the replay
    sb.connect();
    await closed;
    await sleep(200);
  }
  const later = await online(ctx, b, { label: `${b.id}#new-session` });
  await sleep(QUIET);
  const again = received(later).map((r) => r.m.id).filter((id) => ids(lost).includes(id));
  eq(again.length, 0, `messages delivered before (to a connection that died), sent again to a new session (${again.length} of ${lost.length})`);
}, { timeoutMs: Math.max(TIMEOUT, 15_000) });

check('recovery: a replay of messages stored while the recipient had no socket receipts them (message:delivered once) and a later session does not get them', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b);
  const seen = await watchOffline(ctx, b.id);
  await dropTransport(ctx, sb);
  await seen();
  const missed = await sendMany(ctx, sa, b.id, 3, 'missed');
  await quiet(sa, 'message:delivered');
  await reconnect(ctx, sb);
  await receivesExactly(ctx, sb, missed);
  await receiptsExactly(ctx, sa, 'message:delivered', missed, { field: b.id });
  await disconnectAndWait(sb);
  const later = await online(ctx, b, { label: `${b.id}#later` });
  await quiet(later, 'message:receive');
});

async function sessionWithPending(ctx, label) {
  const a = newUser('a');
  const b = newUser(label);
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b, { label: `${b.id}#first` });
  const seen = await send(ctx, sa, b.id, 'seen');
  const got = await receivesExactly(ctx, sb, [seen]);
  const pid = sb._pid;
  const gone = await watchOffline(ctx, b.id);
  await disconnectAndWait(sb);
  await gone();
  const pending = await sendMany(ctx, sa, b.id, 2, 'pending');
  return { a, b, sa, pid, offset: got[0].offset, pending };
}
/** A socket of `user` that reconnects as socket.io-client would with this pid and offset. */
function withSession(ctx, user, pid, offset, label) {
  const s = makeSocket(ctx, { token: user.token, label });
  s._pid = pid; // what socket.io-client keeps from an earlier connection of this socket
  s._lastOffset = offset;
  return s;
}

check('recovery: the pid of another user -> a new session (recovered false, new pid), not refused, offline delivery as usual, nothing of the other user\'s', async (ctx) => {
  const other = await sessionWithPending(ctx, 'other');
  const mine = await sessionWithPending(ctx, 'mine');
  const s = withSession(ctx, mine.b, other.pid, other.offset, `${mine.b.id}#with-other-pid`);
  await reconnect(ctx, s, false);
  ok(s._pid !== mine.pid, 'got the user\'s own earlier pid');
  await receivesExactly(ctx, s, mine.pending);
  const back = await online(ctx, other.b, { label: `${other.b.id}#back` });
  await receivesExactly(ctx, back, other.pending, { what: 'the other user\'s pending messages, still undelivered' });
});

check('recovery: an unknown pid -> a new session (recovered false, new pid), not refused, offline delivery as usual', async (ctx) => {
  const mine = await sessionWithPending(ctx, 'unknown');
  const s = withSession(ctx, mine.b, `unknown-${RUN}-${crypto.randomBytes(8).toString('hex')}`, mine.offset, `${mine.b.id}#unknown-pid`);
  await reconnect(ctx, s, false);
  await receivesExactly(ctx, s, mine.pending);
});

check('recovery: offsets the server cannot use (malformed, empty, a number, an object) -> a new session, not refused, offline delivery as usual', async (ctx) => {
  for (const offset of ['not-an-offset', '', 7, { x: 1 }]) {
    const mine = await sessionWithPending(ctx, 'badoffset');
    const s = withSession(ctx, mine.b, mine.pid, offset, `${mine.b.id}#offset=${show(offset)}`);
    await reconnect(ctx, s, false);
    await receivesExactly(ctx, s, mine.pending, { what: `offset ${show(offset)}: message:receive` });
  }
}, { timeoutMs: Math.max(TIMEOUT, 15_000) });

check('recovery: with default transports (polling, then upgrade to websocket) too', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b, { transports: 'default' });
  const first = await send(ctx, sa, b.id, 'first');
  await receivesExactly(ctx, sb, [first]);
  await dropTransport(ctx, sb);
  const missed = await sendMany(ctx, sa, b.id, 4, 'missed');
  const from = mark(sb);
  await reconnect(ctx, sb);
  await receivesExactly(ctx, sb, missed, { from });
});

check('recovery: 1500 messages written to a dead connection are replayed whole and in order, then newer ones', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const proxy = await startProxy(ctx);
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b, { base: proxy.url });
  const first = await send(ctx, sa, b.id, 'first');
  await receivesExactly(ctx, sb, [first]);
  const pair = proxy.freeze();
  const lost = [];
  for (let i = 0; i < 3; i++) lost.push(...(await sendMany(ctx, sa, b.id, 500, `lost${i}`)));
  const gone = new Promise((resolve) => sb.once('disconnect', resolve));
  proxy.cut(pair);
  await gone;
  const from = mark(sb);
  const reconnecting = reconnect(ctx, sb);
  const newer = await sendMany(ctx, sa, b.id, 50, 'newer');
  await reconnecting;
  await receivesExactly(ctx, sb, [...lost, ...newer], { from, ms: 20_000 });
}, { timeoutMs: Math.max(TIMEOUT, 40_000) });

check('recovery: a pid not seen for longer than RECOVERY_WINDOW -> a new session, offline delivery as usual [window]', async (ctx) => {
  const mine = await sessionWithPending(ctx, 'expired');
  ctx.step = `waiting ${RECOVERY_WINDOW_S + 2} s for the session to expire`;
  await sleep((RECOVERY_WINDOW_S + 2) * 1000);
  const s = withSession(ctx, mine.b, mine.pid, mine.offset, `${mine.b.id}#expired`);
  await reconnect(ctx, s, false);
  await receivesExactly(ctx, s, mine.pending);
}, { needsWindow: true, timeoutMs: Math.max(TIMEOUT, ((RECOVERY_WINDOW_S ?? 0) + 10) * 1000) });

check('recovery: a pid seen within RECOVERY_WINDOW recovers after half the window has passed [window]', async (ctx) => {
  const mine = await sessionWithPending(ctx, 'inwindow');
  ctx.step = 'waiting for half the window';
  await sleep(Math.max(0, RECOVERY_WINDOW_S * 1000 * 0.5 - 300));
  const s = withSession(ctx, mine.b, mine.pid, mine.offset, `${mine.b.id}#in-window`);
  await reconnect(ctx, s, true);
  await receivesExactly(ctx, s, mine.pending);
}, { needsWindow: true, timeoutMs: Math.max(TIMEOUT, ((RECOVERY_WINDOW_S ?? 0) + 10) * 1000) });

check('recovery: a socket connected for longer than RECOVERY_WINDOW recovers right after its connection drops (last seen connected, not first) [window]', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b);
  const first = await send(ctx, sa, b.id, 'first');
  await receivesExactly(ctx, sb, [first]);
  ctx.step = `staying connected for ${RECOVERY_WINDOW_S + 2} s`;
  await sleep((RECOVERY_WINDOW_S + 2) * 1000);
  await dropTransport(ctx, sb);
  const missed = await sendMany(ctx, sa, b.id, 2, 'missed');
  const from = mark(sb);
  await reconnect(ctx, sb, true);
  await receivesExactly(ctx, sb, missed, { from });
}, { needsWindow: true, timeoutMs: Math.max(TIMEOUT, ((RECOVERY_WINDOW_S ?? 0) + 10) * 1000) });

// ================================================================= checks: history
/** Every page of a conversation as `socket` pages back with `limit`; returns the pages, newest page first. */
async function allPages(ctx, socket, withUserId, limit, max = 1000) {
  const pages = [];
  let before;
  for (let i = 0; i < max; i++) {
    ctx.step = `message:history page ${i + 1}`;
    const answer = await emitAck(socket, 'message:history', { withUserId, limit, ...(before !== undefined && { before }) });
    keysEq(answer, ['ok', 'withUserId', 'messages', 'hasMore'], `page ${i + 1}`);
    eq([answer.ok, answer.withUserId, typeof answer.hasMore], [true, withUserId, 'boolean'], `page ${i + 1}: [ok, withUserId, typeof hasMore]`);
    ok(Array.isArray(answer.messages), `page ${i + 1}: messages ${show(answer.messages)}`);
    for (const m of answer.messages) keysEq(m, STORED_KEYS, `page ${i + 1} message`);
    pages.push(answer);
    if (!answer.hasMore) return pages;
    eq(answer.messages.length, limit, `page ${i + 1} (hasMore): number of messages`);
    before = answer.messages[0].id;
  }
  fail(`more than ${max} pages`);
}
const flatten = (pages) => [...pages].reverse().flatMap((p) => p.messages);

check('history: pages by limit and before, oldest first, hasMore, each message with deliveredAt and readAt', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await online(ctx, b);
  const sent = [];
  for (let i = 1; i <= 7; i++) sent.push(await send(ctx, i % 3 === 0 ? sb : sa, i % 3 === 0 ? a.id : b.id, `history ${i}`, { clientMessageId: `h-${RUN}-${i}`, sessionId: 's1' }));
  const toB = sent.filter((m) => m.recipientId === b.id);
  await receivesExactly(ctx, sb, toB);
  await emitAck(sb, 'message:read', { messageIds: [toB[0].id, toB[1].id] });
  const pages = await allPages(ctx, sb, a.id, 3);
  eq(pages.map((p) => [p.messages.length, p.hasMore]), [[3, true], [3, true], [1, false]], 'pages [messages, hasMore]');
  const all = flatten(pages);
  eq(all.map((m) => pick(m)), sent, 'the conversation, oldest first (Message fields)');
  for (const m of all) {
    const read = m.id === toB[0].id || m.id === toB[1].id;
    ok(isTime(m.deliveredAt), `${m.content}: deliveredAt ${show(m.deliveredAt)} (both were online)`);
    ok(read ? isTime(m.readAt) : m.readAt === null, `${m.content}: readAt ${show(m.readAt)}${read ? ' (read)' : ' (not read)'}`);
  }
  const fromA = await allPages(ctx, sa, b.id, 100);
  eq(flatten(fromA), all, 'the same conversation asked by the other user');
  const c = newUser('c');
  await register(ctx, c);
  const pending = await send(ctx, sa, c.id, 'undelivered');
  eq((await emitAck(sa, 'message:history', { withUserId: c.id }))?.messages, [{ ...pending, deliveredAt: null, readAt: null }], 'an undelivered message');
});

check('history: default limit 50; limits 1 and 100 accepted', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const sent = [...(await sendMany(ctx, sa, b.id, 60, 'h1')), ...(await sendMany(ctx, sa, b.id, 50, 'h2'))];
  const page = await emitAck(sa, 'message:history', { withUserId: b.id });
  eq([page?.ok, page?.messages?.length, page?.hasMore], [true, 50, true], 'default: [ok, messages.length, hasMore]');
  eq(ids(page.messages), ids(sent.slice(-50)), 'default: the newest 50, oldest first');
  const one = await emitAck(sa, 'message:history', { withUserId: b.id, limit: 1 });
  eq([ids(one?.messages ?? []), one?.hasMore], [[sent.at(-1).id], true], 'limit 1: [ids, hasMore]');
  const hundred = await emitAck(sa, 'message:history', { withUserId: b.id, limit: 100, before: sent.at(-1).id });
  eq([ids(hundred?.messages ?? []), hundred?.hasMore], [ids(sent.slice(-101, -1)), true], 'limit 100 before the newest: [ids, hasMore]');
  const rest = await emitAck(sa, 'message:history', { withUserId: b.id, limit: 100, before: sent.at(-101).id });
  eq([ids(rest?.messages ?? []), rest?.hasMore], [ids(sent.slice(0, -101)), false], 'the rest: [ids, hasMore]');
  const nullBefore = await emitAck(sa, 'message:history', { withUserId: b.id, before: null, limit: 2 });
  eq([nullBefore?.ok, ids(nullBefore?.messages ?? [])], [true, ids(sent.slice(-2))], 'before: null -> the newest page: [ok, ids]');
  const none = await emitAck(sa, 'message:history', { withUserId: b.id, before: sent[0].id });
  eq([none?.ok, none?.messages, none?.hasMore], [true, [], false], 'before the oldest: [ok, messages, hasMore]');
});

check('history: paging back while new messages arrive has no gaps and no repeats', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  const sb = await online(ctx, b);
  const old = await sendMany(ctx, sa, b.id, 45, 'old');
  let stop = false;
  const newer = (async () => {
    const all = [];
    while (!stop) all.push(...(await sendMany(ctx, sa, b.id, 3, 'new')));
    return all;
  })();
  await sleep(20);
  const first = await emitAck(sb, 'message:history', { withUserId: a.id, limit: 7 });
  const pages = [first];
  while (pages.at(-1).hasMore) {
    pages.push(await emitAck(sb, 'message:history', { withUserId: a.id, limit: 7, before: pages.at(-1).messages[0].id }));
    await sleep(5);
  }
  stop = true;
  const arrived = await newer;
  const all = [...old, ...arrived];
  const got = flatten(pages);
  const end = ids(all).indexOf(got.at(-1)?.id);
  ok(end >= 0, `the newest message of the first page is not one that was sent: ${show(got.at(-1))}`);
  eq(ids(got), ids(all.slice(0, end + 1)), 'the pages put together');
  pages.slice(0, -1).forEach((p, i) => eq(p.messages.length, 7, `page ${i + 1}: number of messages`));
  ok(arrived.length > 0, 'no message was sent while paging');
});

check('history: without an ack -> the event message:history with the same object; with an ack, no event', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  await sendMany(ctx, sa, b.id, 3, 'ev');
  const byAck = await emitAck(sa, 'message:history', { withUserId: b.id, limit: 2 });
  await quiet(sa, 'message:history');
  sa.emit('message:history', { withUserId: b.id, limit: 2 });
  eq(await next(sa, 'message:history', () => true, WAIT, ctx), byAck, 'event vs ack');
});

check('history: a before that is not a message of this conversation -> VALIDATION_FAILED by ack, else message:error with clientMessageId null', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const c = newUser('c');
  await register(ctx, b);
  await register(ctx, c);
  const sa = await online(ctx, a);
  await send(ctx, sa, b.id, 'a to b');
  const toC = await send(ctx, sa, c.id, 'a to c');
  for (const before of [toC.id, `nope-${RUN}`]) {
    refusedByAck(await emitAck(sa, 'message:history', { withUserId: b.id, before }), 'VALIDATION_FAILED', `before ${show(before)}: ack`);
  }
  await quiet(sa, 'message:error');
  sa.emit('message:history', { withUserId: b.id, before: toC.id });
  await refusedByEvent(ctx, sa, 'VALIDATION_FAILED', 'without an ack');
  await quiet(sa, 'message:history');
  ok(sa.connected, 'disconnected after the refusals');
});

check('history: a limit outside 1..100 or a wrong payload -> VALIDATION_FAILED by ack, else message:error with clientMessageId null', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  await send(ctx, sa, b.id, 'hello');
  for (const payload of [{ limit: 0 }, { limit: 101 }, { limit: -1 }, { limit: 1.5 }, { limit: '10' }, { before: 5 }, { withUserId: '' }, { withUserId: 5 }, {}, 'text', null]) {
    const full = payload !== null && typeof payload === 'object' && !('withUserId' in payload) && Object.keys(payload).length ? { withUserId: b.id, ...payload } : payload;
    refusedByAck(await emitAck(sa, 'message:history', full), 'VALIDATION_FAILED', `ack for ${show(full)}`);
  }
  await quiet(sa, 'message:error');
  sa.emit('message:history', { withUserId: b.id, limit: 0 });
  await refusedByEvent(ctx, sa, 'VALIDATION_FAILED', 'limit 0 without an ack');
  ok(sa.connected, 'disconnected after the refusals');
});

check('history: only the asking user\'s own conversations can be read', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const c = newUser('c');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const secret = await sendMany(ctx, sa, b.id, 3, 'private');
  const sc = await online(ctx, c);
  const mine = await send(ctx, sc, a.id, 'c to a');
  const withA = await emitAck(sc, 'message:history', { withUserId: a.id });
  eq(ids(withA?.messages ?? []), [mine.id], 'c\'s history with a');
  const withB = await emitAck(sc, 'message:history', { withUserId: b.id });
  eq([withB?.ok, withB?.messages], [true, []], 'c\'s history with b');
  refusedByAck(await emitAck(sc, 'message:history', { withUserId: a.id, before: secret[2].id }), 'VALIDATION_FAILED', 'before a message of a and b, asked by c');
  refusedByAck(await emitAck(sc, 'message:history', { withUserId: b.id, before: secret[2].id }), 'VALIDATION_FAILED', 'before a message of a and b, asked by c with b');
});

check('history: notes to self, each once, under withUserId = my own id', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const sa = await online(ctx, a);
  await register(ctx, b);
  const notes = [];
  for (let i = 1; i <= 3; i++) {
    notes.push(await send(ctx, sa, a.id, `note ${i}`));
    await send(ctx, sa, b.id, `not a note ${i}`);
  }
  const pages = await allPages(ctx, sa, a.id, 2);
  eq(flatten(pages).map((m) => pick(m)), notes, 'notes to self');
});

// ================================================================= checks: conversation:list
async function conversationList(ctx, socket) {
  ctx.step = `conversation:list from ${socket.label}`;
  const answer = await emitAck(socket, 'conversation:list');
  keysEq(answer, ['ok', 'conversations'], 'conversation:list ack');
  eq(answer.ok, true, 'conversation:list ack.ok');
  ok(Array.isArray(answer.conversations), `conversations: ${show(answer.conversations)}`);
  for (const c of answer.conversations) {
    keysEq(c, ['userId', 'lastMessage', 'unreadCount'], 'conversation');
    keysEq(c.lastMessage, STORED_KEYS, 'conversation.lastMessage');
  }
  return answer.conversations;
}
const summary = (list) => list.map((c) => [c.userId, c.lastMessage.id, c.unreadCount]);

check('conversation:list: most recent first, lastMessage (with deliveredAt and readAt), unreadCount; read lowers it, a new message moves its conversation first', async (ctx) => {
  const me = newUser('me');
  const a = newUser('a');
  const c = newUser('c');
  const d = newUser('d');
  await register(ctx, d);
  const sme = await online(ctx, me);
  const sa = await online(ctx, a);
  const sc = await online(ctx, c);
  const fromA = await sendMany(ctx, sa, me.id, 3, 'from-a');
  const fromC = await sendMany(ctx, sc, me.id, 2, 'from-c');
  const toD = await send(ctx, sme, d.id, 'to d');
  await receivesExactly(ctx, sme, [...fromA, ...fromC]);
  const list = await conversationList(ctx, sme);
  eq(summary(list), [[d.id, toD.id, 0], [c.id, fromC[1].id, 2], [a.id, fromA[2].id, 3]], 'conversations [userId, lastMessage.id, unreadCount]');
  eq(list[0].lastMessage, { ...toD, deliveredAt: null, readAt: null }, 'lastMessage to d (offline)');
  eq(pick(list[1].lastMessage), fromC[1], 'lastMessage from c');
  ok(isTime(list[1].lastMessage.deliveredAt) && list[1].lastMessage.readAt === null, `lastMessage from c: deliveredAt ${show(list[1].lastMessage.deliveredAt)}, readAt ${show(list[1].lastMessage.readAt)}`);
  await emitAck(sme, 'message:read', { messageIds: [fromA[0].id, fromA[2].id] });
  const afterRead = await conversationList(ctx, sme);
  eq(summary(afterRead), [[d.id, toD.id, 0], [c.id, fromC[1].id, 2], [a.id, fromA[2].id, 1]], 'after reading 2 of a\'s');
  ok(isTime(afterRead[2].lastMessage.readAt), `a's lastMessage readAt ${show(afterRead[2].lastMessage.readAt)}`);
  await emitAck(sme, 'message:read', { messageIds: [fromA[0].id, fromA[2].id, toD.id] }); // read again, and a message not for me
  eq(summary(await conversationList(ctx, sme)), summary(afterRead), 'after reading the same ids again');
  const fresh = await send(ctx, sa, me.id, 'from a again');
  eq(summary(await conversationList(ctx, sme)), [[a.id, fresh.id, 2], [d.id, toD.id, 0], [c.id, fromC[1].id, 2]], 'after a new message from a');
  const mine = await send(ctx, sme, c.id, 'me to c');
  eq(summary(await conversationList(ctx, sme)), [[c.id, mine.id, 2], [a.id, fresh.id, 2], [d.id, toD.id, 0]], 'after my message to c');
  eq(summary(await conversationList(ctx, sc)), [[me.id, mine.id, 1]], 'c\'s own list');
});

check('conversation:list: notes to self are listed under my own id', async (ctx) => {
  const me = newUser('me');
  const a = newUser('a');
  const sa = await online(ctx, a);
  const sme = await online(ctx, me);
  const fromA = await send(ctx, sa, me.id, 'from a');
  const note = await send(ctx, sme, me.id, 'note to self');
  await receivesExactly(ctx, sme, [fromA, note]);
  const list = await conversationList(ctx, sme);
  eq(summary(list), [[me.id, note.id, 1], [a.id, fromA.id, 1]], 'conversations [userId, lastMessage.id, unreadCount]');
  eq(pick(list[0].lastMessage), note, 'the note');
  eq((await emitAck(sme, 'message:read', { messageIds: [note.id] }))?.messageIds, [note.id], 'reading my note');
  eq(summary(await conversationList(ctx, sme)), [[me.id, note.id, 0], [a.id, fromA.id, 1]], 'after reading the note');
});

check('conversation:list: without an ack -> the event conversation:list with the same object; with an ack, no event; nothing yet -> []', async (ctx) => {
  const me = newUser('me');
  const a = newUser('a');
  const sme = await online(ctx, me);
  eq(await conversationList(ctx, sme), [], 'no conversations yet');
  await quiet(sme, 'conversation:list');
  const sa = await online(ctx, a);
  await send(ctx, sa, me.id, 'hi');
  const byAck = await emitAck(sme, 'conversation:list');
  sme.emit('conversation:list');
  eq(await next(sme, 'conversation:list', () => true, WAIT, ctx), byAck, 'event vs ack');
});

// ================================================================= checks: restarts (--restart-via-stdio)
check('restart: messages stored for an offline recipient before a restart are delivered after it, once, in order [restart]', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  await register(ctx, b);
  const sa = await online(ctx, a);
  const sent = await sendMany(ctx, sa, b.id, 20, 'before-restart');
  await disconnectAndWait(sa);
  await restartServer(ctx);
  await waitHealthy(ctx);
  const sa2 = await online(ctx, a, { label: `${a.id}#after` });
  const after = await send(ctx, sa2, b.id, 'after the restart');
  const sb = await online(ctx, b);
  await receivesExactly(ctx, sb, [...sent, after]);
  await receiptsExactly(ctx, sa2, 'message:delivered', [...sent, after], { field: b.id });
  eq(summary(await conversationList(ctx, sb)), [[a.id, after.id, 21]], 'b\'s conversation:list after the restart [userId, lastMessage.id, unreadCount]');
  eq(ids(flatten(await allPages(ctx, sb, a.id, 100))), ids([...sent, after]), 'b\'s history with a after the restart');
  await disconnectAndWait(sb);
  await quiet(await online(ctx, b, { label: `${b.id}#again` }), 'message:receive');
}, { needsRestart: true, timeoutMs: 60_000 });

check('restart: a session recovers across a restart (pid and offset kept by the client): what was written to its dead connection and what came after, once, in order [restart]', async (ctx) => {
  const a = newUser('a');
  const b = newUser('b');
  const proxy = await startProxy(ctx);
  const sa = await online(ctx, a);
  const sb = await recoverable(ctx, b, { base: proxy.url });
  const first = await sendMany(ctx, sa, b.id, 3, 'first');
  await receivesExactly(ctx, sb, first);
  const pair = proxy.freeze();
  const lost = await sendMany(ctx, sa, b.id, 4, 'lost');
  await sleep(200);
  const gone = new Promise((resolve) => sb.once('disconnect', resolve));
  proxy.cut(pair);
  await gone;
  await disconnectAndWait(sa);
  await restartServer(ctx);
  await waitHealthy(ctx);
  const sa2 = await online(ctx, a, { label: `${a.id}#after` });
  const missed = await sendMany(ctx, sa2, b.id, 3, 'missed');
  const from = mark(sb);
  await reconnect(ctx, sb);
  const live = await sendMany(ctx, sa2, b.id, 2, 'live');
  await receivesExactly(ctx, sb, [...lost, ...missed, ...live], { from });
}, { needsRestart: true, timeoutMs: 60_000 });

// ---------------------------------------------------------------- go
exitWith(main);
