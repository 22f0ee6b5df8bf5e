// What contract.mjs and delivery.mjs share: the registry of named checks and the runner of one
// check (time limit, cleanup), the assertions, and the waits on a recorded socket.io-client socket
// (each socket a script makes keeps `log`, its events in order, and `waiters`, run on each event).
//
// configure(timeoutMs) first: a check's default time limit, from which one wait inside a check
// (WAIT) is derived. CHECK_DEBUG=1 prints a line per step of a check (`ctx.step = ...`).
import { isDeepStrictEqual } from 'node:util';

export let TIMEOUT = 5000;
/** One wait inside a check: shorter than the check, so a failure names its precise reason. */
export let WAIT = 4000;
/** How long "nothing more arrives" is watched. */
export const QUIET = 300;

export function configure(timeoutMs) {
  TIMEOUT = timeoutMs;
  WAIT = Math.max(500, timeoutMs - 1000);
}

// ---------------------------------------------------------------- checks registry and runner
export const checks = [];
/** @param {string} name @param {(ctx) => Promise<void>} fn @param {{timeoutMs?: number}} [o] and script-specific flags */
export function check(name, fn, o = {}) {
  if (checks.some((c) => c.name === name)) throw new Error(`duplicate check name ${name}`);
  checks.push({ name, fn, ...o });
}

export class CheckFailure extends Error {}
export function fail(message) {
  throw new CheckFailure(message);
}
export const show = (v) => {
  const s = typeof v === 'string' && v.length > 60 ? `${JSON.stringify(v.slice(0, 40))}...(${v.length} chars)` : JSON.stringify(v, (k, x) => (typeof x === 'string' && x.length > 60 ? `${x.slice(0, 40)}...(${x.length} chars)` : x));
  return s === undefined ? String(v) : s.length > 400 ? `${s.slice(0, 400)}...` : s;
};
export function eq(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}
export function ok(cond, what) {
  if (!cond) fail(what);
}
export function keysEq(obj, keys, what) {
  ok(obj !== null && typeof obj === 'object' && !Array.isArray(obj), `${what}: expected an object, got ${show(obj)}`);
  eq(Object.keys(obj).sort(), [...keys].sort(), `${what} keys`);
}

/** Runs one check within its time limit; returns null when it passed, else why it failed. */
export async function runCheck(c) {
  const ctx = { sockets: [], closers: [], name: c.name };
  let step = 'starting';
  const t0 = Date.now();
  Object.defineProperty(ctx, 'step', {
    get: () => step,
    set: (v) => {
      step = v;
      if (process.env.CHECK_DEBUG) console.log(`#   +${Date.now() - t0} ms ${v}`);
    },
  });
  const limit = c.timeoutMs ?? TIMEOUT;
  let timer;
  try {
    await Promise.race([
      c.fn(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckFailure(`timed out after ${limit} ms (${ctx.step})`)), limit);
      }),
    ]);
    return null;
  } catch (err) {
    return err instanceof CheckFailure ? err.message : `${err?.name ?? 'Error'}: ${err?.message ?? err}`;
  } finally {
    clearTimeout(timer);
    ctx.done = true;
    await cleanup(ctx);
  }
}

/** The check's sockets disconnect first, then its closers run (proxies, servers, raw sockets). */
async function cleanup(ctx) {
  const closing = ctx.sockets.map((s) => disconnectAndWait(s, 1000));
  await Promise.allSettled(closing);
  for (const close of ctx.closers) {
    try {
      await close();
    } catch {
      // best effort
    }
  }
}

// ---------------------------------------------------------------- waits on recorded sockets
/** The first not yet consumed `event` on `socket` whose first argument satisfies `pred`; consumes it. */
export function next(socket, event, pred = () => true, ms = WAIT, ctx = undefined) {
  const what = `${event} on ${socket.label}`;
  if (ctx) ctx.step = `waiting for ${what}`;
  return new Promise((resolve, reject) => {
    const look = () => {
      const entry = socket.log.find((e) => !e.used && e.event === event && pred(e.args[0], e.args));
      if (!entry) return false;
      entry.used = true;
      done();
      resolve(entry.args[0]);
      return true;
    };
    const timer = setTimeout(() => { done(); reject(new CheckFailure(`no ${what} within ${ms} ms`)); }, ms);
    const done = () => { clearTimeout(timer); socket.waiters.delete(look); };
    socket.waiters.add(look);
    look();
  });
}
/** Fails if an unconsumed `event` matching `pred` is on `socket` now or arrives within `ms`. */
export async function quiet(socket, event, pred = () => true, ms = QUIET) {
  await sleep(ms);
  const entry = socket.log.find((e) => !e.used && e.event === event && pred(e.args[0], e.args));
  if (entry) fail(`unexpected ${event} on ${socket.label}: ${show(entry.args[0])}`);
}
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Emits with an ack; resolves with the ack's first argument. */
export async function emitAck(socket, event, ...args) {
  try {
    return await socket.timeout(WAIT).emitWithAck(event, ...args);
  } catch (err) {
    fail(`${event} from ${socket.label}: no ack within ${WAIT} ms (${err.message})`);
  }
}
export function disconnectAndWait(socket, ms = WAIT) {
  if (!socket.connected) {
    socket.close();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    socket.once('disconnect', () => { clearTimeout(timer); resolve(); });
    socket.disconnect();
  });
}
