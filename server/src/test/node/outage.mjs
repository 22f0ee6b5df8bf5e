#!/usr/bin/env node
// PROTOCOL.md "Limits", the database outage, with the real socket.io-client, driven by the test
// that owns the database's network (DatabaseOutageTest): it reads a line on stdin at each step.
//
//   1. sends that are stored (acknowledged) — prints "stored N", then waits for "down"
//   2. the database is gone: sends get message:error UNAVAILABLE (and the ack) instead of hanging,
//      and the sockets stay connected — prints "unavailable N", then waits for "up"
//   3. the database is back: sends are stored again without reconnecting; every acknowledged
//      message reached the recipient once, in order, and is in the history — prints "ok"
//
//   node outage.mjs --url http://127.0.0.1:PORT --secret S
import crypto from 'node:crypto';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';

const { values: opt } = parseArgs({ options: { url: { type: 'string' }, secret: { type: 'string' } } });
const run = crypto.randomBytes(4).toString('hex');
const token = (id) => jwt.sign({ sub: id, name: `Name ${id}` }, opt.secret, { algorithm: 'HS256', expiresIn: '1h' });
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

class Failure extends Error {}
const fail = (why) => {
  throw new Failure(why);
};

function connect(id) {
  const s = io(opt.url, { forceNew: true, reconnection: false, transports: ['websocket'], auth: { token: token(id) } });
  s.events = [];
  s.onAny((event, ...args) => s.events.push({ event, args }));
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => reject(new Failure(`${id}: connect_error ${e.message}`)));
  });
}

async function waitFor(line) {
  const next = await lines.next();
  if (next.done || next.value.trim() !== line) fail(`expected "${line}" on stdin, got ${JSON.stringify(next.value)}`);
}

/** One send with its ack; fails when no answer comes at all (a hang). */
function send(socket, recipientId, clientMessageId) {
  return socket.timeout(30000).emitWithAck('message:send', { recipientId, content: `content ${clientMessageId}`, clientMessageId }).catch(() => {
    fail(`no answer to ${clientMessageId} within 30 s`);
  });
}

const aliceId = `alice-${run}`;
const bobId = `bob-${run}`;
try {
  const alice = await connect(aliceId);
  const bob = await connect(bobId);
  const acknowledged = [];
  for (let i = 0; i < 20; i++) {
    const a = await send(alice, bobId, `before${i}`);
    if (!a.ok) fail(`before${i} refused: ${JSON.stringify(a)}`);
    acknowledged.push(a.message.clientMessageId);
  }
  console.log(`stored ${acknowledged.length}`);
  await waitFor('down');

  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => send(alice, bobId, `during${i}`)));
  for (const a of answers) {
    if (a.ok) acknowledged.push(a.message.clientMessageId); // stored before the cut took effect
    else if (a.error?.code !== 'UNAVAILABLE') fail(`refused with ${JSON.stringify(a)}, expected UNAVAILABLE`);
  }
  const unavailable = answers.filter((a) => !a.ok).length;
  if (unavailable === 0) fail('no send was answered UNAVAILABLE while the database was gone');
  const errors = alice.events.filter((e) => e.event === 'message:error' && e.args[0].code === 'UNAVAILABLE').length;
  if (errors !== unavailable) fail(`${errors} message:error UNAVAILABLE for ${unavailable} refused sends`);
  if (!alice.connected || !bob.connected) fail('a socket was disconnected during the outage');
  console.log(`unavailable ${unavailable}`);
  await waitFor('up');

  // the server recovers by itself: a send is stored again on the same connection
  let first;
  for (let attempt = 0; attempt < 60 && !first?.ok; attempt++) {
    first = await send(alice, bobId, 'after0');
    if (!first.ok) await new Promise((r) => setTimeout(r, 500));
  }
  if (!first.ok) fail(`still refused after the database came back: ${JSON.stringify(first)}`);
  acknowledged.push('after0');
  for (let i = 1; i < 10; i++) {
    const a = await send(alice, bobId, `after${i}`);
    if (!a.ok) fail(`after${i} refused: ${JSON.stringify(a)}`);
    acknowledged.push(`after${i}`);
  }
  if (!alice.connected || !bob.connected) fail('a socket was disconnected');
  // every acknowledged message reached bob once, in order (those refused may not arrive)
  const deadline = Date.now() + 30000;
  const received = () => bob.events.filter((e) => e.event === 'message:receive').map((e) => e.args[0].clientMessageId);
  while (!acknowledged.every((c) => received().includes(c)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const got = received().filter((c) => acknowledged.includes(c));
  if (JSON.stringify(got) !== JSON.stringify(acknowledged)) fail(`bob got ${got}, expected ${acknowledged}`);
  const history = await bob.timeout(30000).emitWithAck('message:history', { withUserId: aliceId, limit: 100 });
  const stored = history.messages.map((m) => m.clientMessageId);
  for (const c of acknowledged) if (!stored.includes(c)) fail(`${c} was acknowledged but is not stored`);
  console.log(`recovered: ${acknowledged.length} acknowledged messages delivered once and stored`);
  console.log('ok');
  process.exit(0);
} catch (e) {
  console.log(`FAILED: ${e instanceof Failure ? e.message : e.stack}`);
  process.exit(1);
}
