import WebSocket from 'ws';
import jwt from 'jsonwebtoken';
const [url, secret, countS] = process.argv.slice(2);
const count = Number(countS);
const run = Math.random().toString(36).slice(2, 7);
let connected = 0, failed = 0;
const sockets = [];
const t0 = Date.now();
async function one(i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket', { perMessageDeflate: false, localAddress: '127.0.0.' + (1 + (i % 50)) });
    ws.on('message', (d) => {
      const s = d.toString();
      if (s[0] === '0') ws.send('40' + JSON.stringify({ token: jwt.sign({ sub: `idle-${run}-${i}` }, secret) }));
      else if (s.startsWith('40')) { connected++; resolve(); }
      else if (s.startsWith('44')) { failed++; resolve(); }
      else if (s === '2') ws.send('3');
    });
    ws.on('error', () => { failed++; resolve(); });
    sockets.push(ws);
  });
}
const conc = 200;
let next = 0;
await Promise.all(Array.from({ length: conc }, async () => { while (next < count) { await one(next++); } }));
const secs = (Date.now() - t0) / 1000;
console.log(`connected ${connected} failed ${failed} in ${secs.toFixed(1)}s = ${(connected / secs).toFixed(0)}/s`);
await new Promise(r => setTimeout(r, Number(process.env.HOLD ?? 5000)));
process.exit(0);
