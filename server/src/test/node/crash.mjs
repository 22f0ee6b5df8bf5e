#!/usr/bin/env node
// kill -9 test of PROTOCOL.md "Delivery" ("nothing stored is lost"): a real `chatctl serve`
// process is killed with SIGKILL while senders keep sending with clientMessageIds and retry; after
// each restart the recipient (reconnecting with its pid and offset, as socket.io-client does) must
// have every message that any message:sent or ack confirmed, exactly once, in per-sender order.
// Messages never confirmed may arrive at most once.
//
//   node crash.mjs [--chatctl PATH] [--database-url URL] [--port N] [--runs 1] [--messages 3000]
//                  [--senders 2] [--kills 2] [--in-flight 32] [--workdir DIR] [--keep]
//                  [--startup-timeout-ms 120000] [--settle-timeout-ms 30000] [--signal KILL]
//
// --chatctl     the launcher to run as `PATH serve` (default: the repository's ./chatctl, which
//               builds cli/target/chatctl.jar when it is missing or stale). Any command that serves
//               the contract on WS_PORT will do, e.g. a script that runs the reference peer.
// --database-url  DATABASE_URL for the server (PostgreSQL); default: none, so chatctl uses its
//               embedded H2 database under the run's scratch directory (CHATCTL_DATA_DIR).
// --port        WS_PORT, the same across restarts so clients reconnect (default: a free port).
// --messages    per sender; --kills: SIGKILLs per run, spread over the stream.
// --signal      KILL (default), or TERM to check a graceful stop mid-stream the same way.
//
// Each run starts the server from a fresh scratch directory (kept, with the server's log, when
// the run fails or with --keep). Users are random per run, so runs can share a database.
// Output: one line per check (`ok - name` / `not ok - name: reason`; machine lines too with
// CHECK_REPORT=1, as harness.mjs describes), comment lines with the numbers of each run, then
// `# passed N, failed M, skipped 0`. Exit code 0 only when nothing failed.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { exitWith, plan, report, summary } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    chatctl: { type: 'string', default: path.resolve(here, '../../../../chatctl') },
    'database-url': { type: 'string' },
    port: { type: 'string' },
    runs: { type: 'string', default: '1' },
    messages: { type: 'string', default: '3000' },
    senders: { type: 'string', default: '2' },
    kills: { type: 'string', default: '2' },
    'in-flight': { type: 'string', default: '32' },
    signal: { type: 'string', default: 'KILL' },
    workdir: { type: 'string', default: os.tmpdir() },
    keep: { type: 'boolean', default: false },
    'startup-timeout-ms': { type: 'string', default: '120000' },
    'settle-timeout-ms': { type: 'string', default: '30000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  console.log('usage: node crash.mjs [--chatctl PATH] [--database-url URL] [--port N] [--runs 1] [--messages 3000] [--senders 2] [--kills 2] [--in-flight 32] [--workdir DIR] [--keep] [--startup-timeout-ms 120000] [--settle-timeout-ms 30000] [--signal KILL|TERM]');
  process.exit(0);
}
const num = (name, min) => {
  const v = Number(opt[name]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} must be an integer >= ${min}`);
    process.exit(2);
  }
  return v;
};
const RUNS = num('runs', 1);
const MESSAGES = num('messages', 1);
const SENDERS = num('senders', 1);
const KILLS = num('kills', 0);
const IN_FLIGHT = num('in-flight', 1);
const STARTUP_MS = num('startup-timeout-ms', 1000);
const SETTLE_MS = num('settle-timeout-ms', 1000);
const SIGNAL = `SIG${opt.signal.toUpperCase().replace(/^SIG/, '')}`;
if (!['SIGKILL', 'SIGTERM'].includes(SIGNAL)) {
  console.error('--signal must be KILL or TERM');
  process.exit(2);
}
const ACK_MS = 15_000; // an ack not come by then (on a live connection): resend
const CLIENT = { transports: ['websocket'], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 400, randomizationFactor: 0.2, timeout: 5000, forceNew: true };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- the server process
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function healthz(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

class Server {
  constructor(dir, port, env) {
    this.dir = dir;
    this.port = port;
    this.env = env;
    this.log = path.join(dir, 'server.log');
    this.starts = 0;
    this.startTimes = [];
  }

  async start() {
    this.starts++;
    const t0 = Date.now();
    const fd = fs.openSync(this.log, 'a');
    fs.writeSync(fd, `\n===== start ${this.starts} at ${new Date().toISOString()}\n`);
    this.child = spawn(opt.chatctl, ['serve'], { cwd: this.dir, env: this.env, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const child = this.child;
    child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.once('error', (err) => { child.spawnError = err; });
    const end = Date.now() + STARTUP_MS;
    while (Date.now() < end) {
      if (child.spawnError) throw new Error(`cannot run ${opt.chatctl}: ${child.spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${opt.chatctl} serve exited (${child.exitCode ?? child.signalCode}) at start; log: ${this.tail()}`);
      if (await healthz(this.port)) {
        this.startTimes.push(Date.now() - t0);
        return;
      }
      await sleep(100);
    }
    throw new Error(`${opt.chatctl} serve did not answer /healthz on port ${this.port} within ${STARTUP_MS} ms; log: ${this.tail()}`);
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye to the clients (or `signal`). */
  async kill(signal = 'SIGKILL') {
    process.kill(this.child.pid, signal);
    const exited = await Promise.race([this.child.exited, sleep(30_000).then(() => null)]);
    if (!exited) {
      process.kill(this.child.pid, 'SIGKILL');
      await this.child.exited;
      throw new Error(`${signal} did not stop the server within 30 s`);
    }
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const done = await Promise.race([this.child.exited, sleep(15_000).then(() => null)]);
    if (!done) await this.kill();
  }

  tail(lines = 30) {
    try {
      return '\n' + fs.readFileSync(this.log, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

// ---------------------------------------------------------------- clients
function user(secret, run, label) {
  const id = `crash-${run}-${label}`;
  return { id, token: jwt.sign({ sub: id, name: id }, secret, { algorithm: 'HS256', expiresIn: '2h' }) };
}

/** The recipient: logs every message:receive with its offset, and each connect's pid and recovered. */
function recipient(url, u) {
  const s = io(url, { ...CLIENT, auth: { token: u.token } });
  s.got = [];
  s.connects = [];
  s.on('connect', () => s.connects.push({ pid: s._pid, recovered: s.recovered, at: s.got.length }));
  s.connectErrors = [];
  s.on('connect_error', (err) => s.connectErrors.push(err?.message));
  s.on('message:receive', (m, ...rest) => s.got.push({ m, offset: rest.at(-1) }));
  return s;
}

/**
 * A sender of `total` messages to `to`, at most IN_FLIGHT unconfirmed at once, each with its
 * clientMessageId. Unconfirmed messages are sent again, oldest first, on every reconnect (and after
 * an ack timeout); never out of order, so the store order is the send order.
 */
function sender(url, u, to, total, tag) {
  const s = io(url, { ...CLIENT, auth: { token: u.token } });
  const st = {
    socket: s, user: u, total, tag,
    confirmed: new Map(), // index -> message (first confirmation)
    mismatches: [], // a later confirmation of an index with another message id
    refusals: [], // {ok: false} acks
    inflight: new Map(), // index -> epoch
    retry: [], // indices to send again, oldest first
    next: 0, epoch: 0, sends: 0, retries: 0, timeouts: 0,
  };
  const cmid = (i) => `${tag}-${i}`;
  const index = (clientMessageId) => {
    if (typeof clientMessageId !== 'string' || !clientMessageId.startsWith(`${tag}-`)) return null;
    return Number(clientMessageId.slice(tag.length + 1));
  };
  const confirm = (i, m) => {
    const first = st.confirmed.get(i);
    if (!first) st.confirmed.set(i, m);
    else if (first.id !== m.id) st.mismatches.push({ index: i, first: first.id, again: m.id });
    if (st.confirmed.size === total) st.resolve?.();
  };
  const emit = (i) => {
    const epoch = st.epoch;
    st.inflight.set(i, epoch);
    st.sends++;
    s.timeout(ACK_MS).emit('message:send', { recipientId: to, content: `${tag} #${i}`, clientMessageId: cmid(i) }, (err, ack) => {
      if (st.inflight.get(i) === epoch) st.inflight.delete(i);
      if (!err && ack?.ok === true) confirm(i, ack.message);
      else if (!err) st.refusals.push({ index: i, ack });
      else if (s.connected && epoch === st.epoch) {
        st.timeouts++; // no ack on a live connection: send everything unconfirmed again, in order
        resendAll();
      }
      pump();
    });
  };
  const pump = () => {
    if (!s.connected) return;
    while (st.retry.length && st.inflight.size < IN_FLIGHT) { // retries first, oldest first
      const i = st.retry.shift();
      if (!st.confirmed.has(i) && !st.inflight.has(i)) {
        st.retries++;
        emit(i);
      }
    }
    while (!st.retry.length && st.next < total && st.inflight.size < IN_FLIGHT) emit(st.next++);
  };
  /** A new connection (or a lost ack): everything sent and unconfirmed goes again, oldest first. */
  const resendAll = () => {
    st.epoch++;
    st.inflight.clear();
    st.retry = [];
    for (let i = 0; i < st.next; i++) if (!st.confirmed.has(i)) st.retry.push(i);
  };
  s.on('message:sent', (m) => {
    const i = index(m?.clientMessageId);
    if (i !== null) confirm(i, m);
  });
  s.connectErrors = [];
  s.on('connect_error', (err) => s.connectErrors.push(err?.message));
  s.on('connect', () => {
    resendAll(); // acks of the old connection are gone
    pump();
  });
  st.done = new Promise((resolve) => { st.resolve = resolve; });
  st.pump = pump;
  return st;
}

async function waitUntil(cond, ms) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (cond()) return true;
  return cond();
}

/** The whole conversation between two users, oldest first, through message:history pages. */
async function history(socket, withUserId) {
  const all = [];
  let before;
  for (let page = 0; page < 10_000; page++) {
    const answer = await socket.timeout(10_000).emitWithAck('message:history', { withUserId, limit: 100, ...(before && { before }) });
    if (answer?.ok !== true) throw new Error(`message:history: ${JSON.stringify(answer)}`);
    all.unshift(...answer.messages);
    if (!answer.hasMore) return all;
    before = answer.messages[0].id;
  }
  throw new Error('message:history: too many pages');
}

// ---------------------------------------------------------------- one run
// The checks of one run, named once: announced when the run starts, reported at its end.
const VERDICTS = {
  arrived: 'every confirmed message reached the recipient',
  once: 'no message reached the recipient twice (confirmed or not; by id and by clientMessageId)',
  same: 'each received message is the stored one that was confirmed',
  order: 'per-sender order',
  offsets: 'every message:receive carries a string offset, all distinct',
  recovered: 'the recipient recovered its session (same pid) on every reconnect',
  retried: 'a retried clientMessageId is answered with the message stored first',
  refused: 'no send refused', // SIGKILL only: a clean stop may refuse sends while it stops
  history: 'message:history holds every confirmed message once, in send order',
};

async function oneRun(n) {
  const run = `${crypto.randomBytes(3).toString('hex')}${n}`;
  const dir = fs.mkdtempSync(path.join(opt.workdir, 'chatctl-crash-'));
  const port = opt.port ? Number(opt.port) : await freePort();
  const secret = crypto.randomBytes(24).toString('base64url');
  const env = { ...process.env };
  for (const k of ['DATABASE_URL', 'CHATCTL_DATA_DIR', 'NEXTAUTH_URL', 'CORS_ORIGINS', 'AUTH_SECRET', 'RECOVERY_WINDOW', 'MAX_MESSAGE_LENGTH', 'HOST']) delete env[k];
  // MESSAGE_RATE_LIMIT=0: the senders flood on purpose (the rate limit is checked by limits.mjs)
  Object.assign(env, { NEXTAUTH_SECRET: secret, WS_PORT: String(port), CHATCTL_DATA_DIR: path.join(dir, 'data'), MESSAGE_RATE_LIMIT: '0' });
  if (opt['database-url']) env.DATABASE_URL = opt['database-url'];
  const server = new Server(dir, port, env);
  const url = `http://127.0.0.1:${port}`;
  const prefix = `run ${n}`;
  const sockets = [];
  const started = Date.now();
  let ok = true;
  const check = (name, error) => {
    if (error) ok = false;
    report(`${prefix}: ${name}`, error ?? null);
  };
  plan(Object.entries(VERDICTS).filter(([k]) => k !== 'refused' || SIGNAL === 'SIGKILL').map(([, name]) => `${prefix}: ${name}`));
  try {
    await server.start();
    const r = user(secret, run, 'recipient');
    const rec = recipient(url, r);
    sockets.push(rec);
    if (!(await waitUntil(() => rec.connected, 10_000))) throw new Error('the recipient could not connect');
    const senders = Array.from({ length: SENDERS }, (_, k) => sender(url, user(secret, run, `sender${k}`), r.id, MESSAGES, `c${run}s${k}`));
    sockets.push(...senders.map((s) => s.socket));
    const confirmedNow = () => senders.reduce((sum, s) => sum + s.confirmed.size, 0);
    const stalled = () => {
      const clients = [rec, ...senders.map((x) => x.socket)];
      const state = clients.map((c, k) => `${k === 0 ? 'recipient' : `sender${k - 1}`} ${c.connected ? 'connected' : c.active ? 'reconnecting' : 'given up'}` +
        (c.connectErrors.length ? `, connect_error ${JSON.stringify([...new Set(c.connectErrors)])}` : ''));
      return `: ${state.join('; ')}`;
    };
    const all = MESSAGES * SENDERS;
    // kill points: spread over the stream, a little random
    const killAt = Array.from({ length: KILLS }, (_, k) => Math.floor((all * (k + 1)) / (KILLS + 1) + (Math.random() - 0.5) * (all / (KILLS + 1)) * 0.5));
    const kills = [];
    for (const at of killAt) {
      if (!(await waitUntil(() => confirmedNow() >= at, 60_000))) throw new Error(`only ${confirmedNow()} of ${at} messages confirmed before kill ${kills.length + 1} (senders stalled${stalled()})`);
      const inFlight = senders.reduce((sum, s) => sum + s.inflight.size, 0);
      await server.kill(SIGNAL);
      kills.push({ confirmed: confirmedNow(), inFlight, received: rec.got.length });
      await server.start();
    }
    const allConfirmed = await Promise.race([Promise.all(senders.map((s) => s.done)).then(() => true), sleep(60_000).then(() => false)]);
    if (!allConfirmed) throw new Error(`only ${confirmedNow()} of ${all} messages confirmed within 60 s after the last restart (senders stalled${stalled()})`);
    // every confirmed message reaches the recipient: wait for it (or give up), then a quiet second for duplicates
    const confirmedIds = new Set(senders.flatMap((s) => [...s.confirmed.values()].map((m) => m.id)));
    await waitUntil(() => new Set(rec.got.map((g) => g.m?.id).filter((id) => confirmedIds.has(id))).size === confirmedIds.size, SETTLE_MS);
    await sleep(1000);

    // ---- checks
    const byId = new Map();
    for (const g of rec.got) byId.set(g.m?.id, (byId.get(g.m?.id) ?? 0) + 1);
    const missing = [];
    const wrong = [];
    for (const s of senders) {
      for (const [i, m] of s.confirmed) {
        const count = byId.get(m.id) ?? 0;
        if (count === 0) missing.push(`${s.tag}-${i}`);
        const got = rec.got.find((g) => g.m?.id === m.id);
        if (got && (got.m.clientMessageId !== m.clientMessageId || got.m.content !== m.content || got.m.senderId !== s.user.id)) wrong.push({ sent: m, got: got.m });
      }
    }
    check(VERDICTS.arrived, missing.length ? `${missing.length} of ${confirmedIds.size} confirmed messages never arrived, e.g. ${missing.slice(0, 10).join(', ')} (kills: ${JSON.stringify(kills)})` : null);
    const twice = [...byId].filter(([, c]) => c > 1);
    const byCmid = new Map();
    for (const g of rec.got) byCmid.set(g.m?.clientMessageId, (byCmid.get(g.m?.clientMessageId) ?? 0) + 1);
    const cmidTwice = [...byCmid].filter(([, c]) => c > 1);
    check(VERDICTS.once,
      twice.length || cmidTwice.length ? `${twice.length} ids and ${cmidTwice.length} clientMessageIds more than once, e.g. ${JSON.stringify(cmidTwice.slice(0, 5))}` : null);
    check(VERDICTS.same, wrong.length ? `${wrong.length} differ, e.g. ${JSON.stringify(wrong[0])}` : null);
    const disorder = [];
    for (const s of senders) {
      const seq = rec.got.filter((g) => g.m?.senderId === s.user.id).map((g) => Number(g.m.clientMessageId.slice(s.tag.length + 1)));
      for (let k = 1; k < seq.length; k++) if (seq[k] <= seq[k - 1]) disorder.push(`${s.tag}: #${seq[k]} after #${seq[k - 1]}`);
    }
    check(VERDICTS.order, disorder.length ? `${disorder.length} out of order, e.g. ${disorder.slice(0, 5).join('; ')}` : null);
    const offsets = rec.got.map((g) => g.offset);
    const badOffsets = offsets.filter((o) => typeof o !== 'string' || o === '').length;
    check(VERDICTS.offsets, badOffsets || new Set(offsets).size !== offsets.length ? `${badOffsets} without a string offset, ${offsets.length - new Set(offsets).size} repeated` : null);
    const reconnects = rec.connects.slice(1);
    const notRecovered = reconnects.filter((c) => c.recovered !== true || c.pid !== rec.connects[0].pid);
    check(VERDICTS.recovered, reconnects.length < kills.length ? `only ${reconnects.length} reconnects for ${kills.length} kills` : notRecovered.length ? `${notRecovered.length} of ${reconnects.length} reconnects not recovered: ${JSON.stringify(rec.connects)}` : null);
    const mismatches = senders.flatMap((s) => s.mismatches);
    check(VERDICTS.retried, mismatches.length ? `${mismatches.length} retries answered with another message, e.g. ${JSON.stringify(mismatches[0])}` : null);
    const refusals = senders.flatMap((s) => s.refusals);
    if (SIGNAL === 'SIGKILL') check(VERDICTS.refused, refusals.length ? `${refusals.length} refused, e.g. ${JSON.stringify(refusals[0])}` : null);
    else if (refusals.length) console.log(`# ${prefix}: ${refusals.length} sends refused while the server stopped (sent again after the restart), e.g. ${JSON.stringify(refusals[0])}`);
    let historyError = null;
    for (const s of senders) {
      const h = await history(s.socket, r.id);
      const counts = new Map();
      for (const m of h) counts.set(m.clientMessageId, (counts.get(m.clientMessageId) ?? 0) + 1);
      const dup = [...counts].filter(([, c]) => c > 1).length;
      const absent = [...s.confirmed.values()].filter((m) => !counts.has(m.clientMessageId)).length;
      const seq = h.map((m) => Number(m.clientMessageId.slice(s.tag.length + 1)));
      const unordered = seq.filter((v, k) => k > 0 && v <= seq[k - 1]).length;
      if (dup || absent || unordered) historyError = `${historyError ? `${historyError}; ` : ''}${s.tag}: history of ${h.length} messages: ${dup} stored twice, ${absent} confirmed ones absent, ${unordered} out of order`;
    }
    check(VERDICTS.history, historyError);
    const unconfirmedDelivered = rec.got.length - [...byId.keys()].filter((id) => confirmedIds.has(id)).length;
    console.log(`# ${prefix}: ${SENDERS} senders x ${MESSAGES} messages, ${kills.length} ${SIGNAL}s at ${kills.map((k) => `${k.confirmed} confirmed/${k.inFlight} in flight`).join(', ') || '-'}; ` +
      `${confirmedIds.size} confirmed, ${rec.got.length} received (${unconfirmedDelivered} never confirmed), ` +
      `${senders.reduce((x, s) => x + s.retries, 0)} retries, ${senders.reduce((x, s) => x + s.timeouts, 0)} ack timeouts, ` +
      `recipient connects ${rec.connects.length} (recovered ${rec.connects.filter((c) => c.recovered).length}); ` +
      `server starts ${server.startTimes.map((t) => (t / 1000).toFixed(1)).join(' / ')} s; ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  } catch (err) {
    check(`the ${SIGNAL === 'SIGKILL' ? 'kill -9' : SIGNAL} scenario ran to its end`, `${err.message}`);
  } finally {
    for (const s of sockets) s.close();
    await server.stop().catch(() => {});
    if (!ok) console.log(`# ${prefix}: the server's log, last lines:${server.tail(40).replace(/\n/g, '\n#   ')}`);
    if (ok && !opt.keep) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`# ${prefix}: scratch directory and server log kept in ${dir}`);
  }
}

async function main() {
  console.log(`# chatctl ${SIGNAL === 'SIGKILL' ? 'kill -9' : SIGNAL} test: ${opt.chatctl} serve, ${opt['database-url'] ? 'DATABASE_URL given' : 'embedded database'}, ${RUNS} run(s)`);
  const started = Date.now();
  for (let n = 1; n <= RUNS; n++) await oneRun(n);
  return summary(started);
}

exitWith(main);
