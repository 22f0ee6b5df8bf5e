// What the check scripts (contract.mjs, delivery.mjs, session-e2e.mjs, browser.mjs; crash.mjs
// uses the reporting only) share: the registry of named checks, the runner of one check (time
// limit, cleanup) and of them all, the report lines, the assertions, and the waits on a recorded
// socket.io-client socket (each socket a script makes keeps `log`, its events in order, and
// `waiters`, run on each event).
//
// configure(timeoutMs) first: a check's default time limit, from which one wait inside a check
// (WAIT) is derived. CHECK_DEBUG=1 prints a line per step of a check (`ctx.step = ...`).
//
// Report lines: one per check for people (`ok - name`, `not ok - name: reason`,
// `ok - name # SKIP reason`), then `# passed N, failed M, skipped K`. With CHECK_REPORT=1 (set by
// the JUnit driver, NodeChecks.java) also machine lines: before any check runs, `#check-plan
// "name"` (a JSON string) for each check the run will report, and after each check
// `#check-result {"name", "status": "ok"|"fail"|"skip", "detail"}` (JSON), so that every check is
// one named JUnit test and a check announced but never reported (the script died) fails too.
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

// ---------------------------------------------------------------- report lines
const machine = process.env.CHECK_REPORT === '1';
export const tally = { passed: 0, failed: 0, skipped: 0 };

/** Announces the checks this run will report (machine lines only). */
export function plan(names) {
  if (machine) for (const name of names) console.log(`#check-plan ${JSON.stringify(name)}`);
}

/** Reports one check: `error` null when it passed, else why it failed; `skip` a reason to skip it. */
export function report(name, error, skip = null) {
  const detail = skip ?? (error === null ? null : String(error).replace(/\s*\n\s*/g, ' '));
  const status = skip ? 'skip' : error === null ? 'ok' : 'fail';
  tally[{ ok: 'passed', fail: 'failed', skip: 'skipped' }[status]]++;
  console.log(status === 'ok' ? `ok - ${name}` : status === 'skip' ? `ok - ${name} # SKIP ${detail}` : `not ok - ${name}: ${detail}`);
  if (machine) console.log(`#check-result ${JSON.stringify({ name, status, detail })}`);
}

/** The last lines of a run; returns its exit code (0 only when no check failed). */
export function summary(started) {
  console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`# passed ${tally.passed}, failed ${tally.failed}, skipped ${tally.skipped}`);
  return tally.failed === 0 ? 0 : 1;
}

/**
 * Runs the registered checks in order and reports each; returns the exit code. `only` and `skip`
 * are lower-case substrings of names: checks left out by `only` are counted as skipped but not
 * listed; `skipReason(c)` gives a reason to skip a check, or null.
 */
export async function runChecks({ title, only = [], skip = [], skipReason = () => null, timing = false }) {
  const started = Date.now();
  console.log(`# ${title}`);
  const chosen = checks.filter((c) => !only.length || only.some((s) => c.name.toLowerCase().includes(s)));
  tally.skipped += checks.length - chosen.length;
  plan(chosen.map((c) => c.name));
  for (const c of chosen) {
    const reason = skip.some((s) => c.name.toLowerCase().includes(s)) ? 'skipped by --skip' : skipReason(c);
    if (reason) {
      report(c.name, null, reason);
      continue;
    }
    const t0 = Date.now();
    const error = await runCheck(c);
    if (timing) console.log(`# ${Date.now() - t0} ms`);
    report(c.name, error);
  }
  return summary(started);
}

/** Ends the script with `main`'s exit code, without waiting for lingering polling requests. */
export function exitWith(main) {
  process.on('unhandledRejection', () => {}); // a check that timed out may leave a rejected wait behind
  main().then((code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 200).unref();
  }, (err) => {
    console.error(err);
    process.exit(2);
  });
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
