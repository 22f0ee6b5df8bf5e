#!/usr/bin/env node
// PROTOCOL.md "Limits", checked with the real socket.io-client: the per-user send rate
// (RATE_LIMITED, the connection stays open, what passes keeps its order) and fairness (a flood
// from one socket does not make another pair's messages wait behind it). No timed assertions:
// counts of what arrived when.
//
//   node limits.mjs --url http://127.0.0.1:PORT --secret S --check rate --burst 10
//   node limits.mjs --url http://127.0.0.1:PORT --secret S --check fairness --flood 5000
//
// Prints one line per finding and `ok` or `FAILED: reason` last; exits 0 when the check held.
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    secret: { type: 'string' },
    check: { type: 'string' },
    burst: { type: 'string', default: '10' },
    flood: { type: 'string', default: '5000' },
    transport: { type: 'string', default: 'websocket' },
  },
});

const run = crypto.randomBytes(4).toString('hex');
const user = (label) => `${label}-${run}`;
const token = (id) => jwt.sign({ sub: id, name: `Name ${id}` }, opt.secret, { algorithm: 'HS256', expiresIn: '1h' });

class Failure extends Error {}
const fail = (why) => {
  throw new Failure(why);
};

function connect(id, transports = [opt.transport]) {
  const s = io(opt.url, { forceNew: true, reconnection: false, transports, auth: { token: token(id) } });
  s.events = [];
  s.onAny((event, ...args) => s.events.push({ event, args }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure(`${id}: no connect`)), 10000);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('connect_error', (e) => reject(new Failure(`${id}: connect_error ${e.message}`)));
  });
}

/** Resolves when pred() holds, checked on every event of the socket; fails after ms. */
function until(socket, pred, what, ms = 30000) {
  return new Promise((resolve, reject) => {
    if (pred()) return resolve();
    const timer = setTimeout(() => {
      socket.offAny(check);
      reject(new Failure(`waited in vain for ${what}`));
    }, ms);
    const check = () => {
      if (pred()) {
        clearTimeout(timer);
        socket.offAny(check);
        resolve();
      }
    };
    socket.onAny(check);
  });
}

const count = (s, event, pred = () => true) => s.events.filter((e) => e.event === event && pred(e.args[0])).length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** More sends than the burst at once: the excess is refused RATE_LIMITED, the rest pass in order. */
async function rate() {
  const burst = Number(opt.burst);
  const n = burst * 4;
  const alice = await connect(user('alice'));
  const bobId = user('bob');
  const bob = await connect(bobId);
  const acks = [];
  for (let i = 0; i < n; i++) {
    acks.push(new Promise((resolve) => alice.emit('message:send', { recipientId: bobId, content: `m${i}`, clientMessageId: `c${i}` }, resolve)));
  }
  const answers = await Promise.all(acks);
  const passed = answers.filter((a) => a.ok).map((a) => a.message.clientMessageId);
  const refused = answers.filter((a) => !a.ok);
  console.log(`sent ${n} at once with burst ${burst}: ${passed.length} passed, ${refused.length} refused`);
  if (passed.length < burst) fail(`only ${passed.length} of the burst ${burst} passed`);
  if (refused.length === 0) fail('nothing was refused');
  for (const r of refused) if (r.error?.code !== 'RATE_LIMITED') fail(`refused with ${JSON.stringify(r)}`);
  const errors = alice.events.filter((e) => e.event === 'message:error');
  if (errors.length !== refused.length) fail(`${errors.length} message:error for ${refused.length} refusals`);
  for (const e of errors) {
    if (e.args[0].code !== 'RATE_LIMITED' || !/^c\d+$/.test(e.args[0].clientMessageId)) fail(`message:error ${JSON.stringify(e.args[0])}`);
  }
  const sentOrder = alice.events.filter((e) => e.event === 'message:sent').map((e) => e.args[0].clientMessageId);
  if (JSON.stringify(sentOrder) !== JSON.stringify(passed)) fail(`message:sent out of order: ${sentOrder}`);
  const ascending = passed.every((c, i) => i === 0 || Number(c.slice(1)) > Number(passed[i - 1].slice(1)));
  if (!ascending) fail(`passed out of order: ${passed}`);
  await until(bob, () => count(bob, 'message:receive') >= passed.length, `${passed.length} message:receive at bob`);
  const received = bob.events.filter((e) => e.event === 'message:receive').map((e) => e.args[0].clientMessageId);
  if (JSON.stringify(received) !== JSON.stringify(passed)) fail(`bob got ${received}, expected ${passed}`);
  if (!alice.connected) fail('the connection was closed');
  // the bucket refills: after a while a send passes again on the same connection
  await sleep(1500);
  const later = await new Promise((resolve) => alice.emit('message:send', { recipientId: bobId, content: 'later', clientMessageId: 'later' }, resolve));
  if (!later.ok) fail(`a send after a pause was refused: ${JSON.stringify(later)}`);
  console.log('after a pause a send passes again');
  alice.close();
  bob.close();
}

/**
 * One socket floods; meanwhile another pair sends one message at a time. Each of the pair's messages
 * must arrive before the flood ahead of it is through: counted in flood messages the sink got
 * between the pair's send and its arrival. A store fed first-in first-out puts the pair's first
 * message behind the whole flood (about n); a fair one behind a batch or two. The count is taken
 * at the clients, which share one Node.js event loop, so on a loaded machine it includes flood
 * messages that were stored before the pair's but not yet read by the sink: the bound is half the
 * flood, which a FIFO store cannot meet.
 */
async function fairness() {
  const n = Number(opt.flood);
  const sinkId = user('sink');
  const bobId = user('bob');
  const flooder = await connect(user('flooder'), ['websocket']);
  const sink = await connect(sinkId);
  const alice = await connect(user('alice'));
  const bob = await connect(bobId);
  const content = 'x'.repeat(200);
  for (let i = 0; i < n; i++) flooder.emit('message:send', { recipientId: sinkId, content, clientMessageId: `f${i}` });
  const overtaken = [];
  const rounds = 10;
  for (let k = 0; k < rounds; k++) {
    const before = count(sink, 'message:receive');
    alice.emit('message:send', { recipientId: bobId, content: `p${k}`, clientMessageId: `p${k}` });
    await until(bob, () => count(bob, 'message:receive', (m) => m.clientMessageId === `p${k}`) === 1, `p${k} at bob`, 60000);
    overtaken.push(count(sink, 'message:receive') - before);
  }
  await until(sink, () => count(sink, 'message:receive') >= n, `the whole flood at the sink`, 120000);
  const errors = count(flooder, 'message:error');
  console.log(`flood of ${n}: flood messages that overtook each of the pair's ${rounds}: ${overtaken.join(' ')}; flood errors ${errors}`);
  const worst = Math.max(...overtaken);
  if (worst > n / 2) fail(`one of the pair's messages waited behind ${worst} of ${n} flood messages`);
  if (errors !== 0) fail(`the flood got ${errors} message:error (no rate limit was set)`);
  const flood = sink.events.filter((e) => e.event === 'message:receive').map((e) => Number(e.args[0].clientMessageId.slice(1)));
  if (!flood.every((v, i) => v === i)) fail('the flood arrived out of order or with gaps');
  if (!flooder.connected) fail("the flooder's connection was closed");
  for (const s of [flooder, sink, alice, bob]) s.close();
}

try {
  if (opt.check === 'rate') await rate();
  else if (opt.check === 'fairness') await fairness();
  else fail(`unknown --check ${opt.check}`);
  console.log('ok');
  process.exit(0);
} catch (e) {
  console.log(`FAILED: ${e instanceof Failure ? e.message : e.stack}`);
  process.exit(1);
}
