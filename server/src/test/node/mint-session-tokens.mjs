// Session token fixtures from the real packages: `encode` and `decode` of next-auth v4
// (next-auth/jwt: JWE dir + A256GCM) and of Auth.js v5 (@auth/core/jwt: JWE dir + A256CBC-HS512,
// salted with the cookie name). Used by SessionTokensTest.
//
//   node mint-session-tokens.mjs --secret S
//     prints {"now": seconds, "nextauth": {NAME: token, ...},
//             "authjs": {"authjs.session-token": {NAME: token, ...}, "__Secure-authjs.session-token": {...}},
//             "claims": {"nextauth": claims of nextauth.valid, "authjs": {cookie: claims of its valid}}}
//     NAME: valid (sub, name, email, picture), expired (exp 60 s ago), notYetValid (nbf 60 s ahead),
//     wrongSecret (another secret), noUserId, sub, id, userId (the user id in that claim only).
//   node mint-session-tokens.mjs --secret S --decode-nextauth TOKEN
//   node mint-session-tokens.mjs --secret S --decode-authjs TOKEN --salt COOKIE_NAME
//     prints the decoded claims, or {"error": message} with exit code 2.
import { decode as decodeAuthJs, encode as encodeAuthJs } from '@auth/core/jwt';
import { decode as decodeNextAuth, encode as encodeNextAuth } from 'next-auth/jwt';

const AUTHJS_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];
const HOUR = 3600;

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i];
  if (!name.startsWith('--') || i + 1 >= process.argv.length) {
    console.error(`usage: node mint-session-tokens.mjs --secret S [--decode-nextauth TOKEN | --decode-authjs TOKEN --salt NAME]`);
    process.exit(64);
  }
  args[name.slice(2)] = process.argv[i + 1];
}
const secret = args.secret;
if (!secret) {
  console.error('--secret is required');
  process.exit(64);
}

if (args['decode-nextauth'] !== undefined || args['decode-authjs'] !== undefined) {
  try {
    const claims = args['decode-nextauth'] !== undefined
      ? await decodeNextAuth({ token: args['decode-nextauth'], secret })
      : await decodeAuthJs({ token: args['decode-authjs'], secret, salt: args.salt });
    console.log(JSON.stringify(claims));
  } catch (err) {
    console.log(JSON.stringify({ error: `${err.name}: ${err.message}`, code: err.code ?? null }));
    process.exit(2);
  }
  process.exit(0);
}

const now = Math.floor(Date.now() / 1000);
const user = { sub: 'user-1', name: 'Zoë Example', email: 'zoe@example.com', picture: 'https://example.com/zoe.png' };

// encode sets iat, exp (now + maxAge) and jti itself; an exp in the token is overwritten.
async function mint(encode, salt) {
  const tokenOf = (token, extra = {}) => encode({ token, secret, maxAge: HOUR, ...(salt ? { salt } : {}), ...extra });
  return {
    valid: await tokenOf(user),
    expired: await tokenOf({ sub: 'user-expired' }, { maxAge: -60 }),
    notYetValid: await tokenOf({ sub: 'user-early', nbf: now + 60 }),
    wrongSecret: await tokenOf({ sub: 'user-other' }, { secret: `${secret}-but-another` }),
    noUserId: await tokenOf({ name: 'Nobody', email: 'nobody@example.com' }),
    sub: await tokenOf({ sub: 'user-sub' }),
    id: await tokenOf({ id: 'user-id' }),
    userId: await tokenOf({ userId: 'user-userId' }),
  };
}

const nextauth = await mint(encodeNextAuth);
const authjs = {};
const authjsClaims = {};
for (const cookie of AUTHJS_COOKIES) {
  authjs[cookie] = await mint(encodeAuthJs, cookie);
  authjsClaims[cookie] = await decodeAuthJs({ token: authjs[cookie].valid, secret, salt: cookie });
}
const claims = { nextauth: await decodeNextAuth({ token: nextauth.valid, secret }), authjs: authjsClaims };
console.log(JSON.stringify({ now, nextauth, authjs, claims }));
