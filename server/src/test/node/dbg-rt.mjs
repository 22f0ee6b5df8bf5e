import WebSocket from 'ws';
import jwt from 'jsonwebtoken';
const ws = new WebSocket('ws://127.0.0.1:3103/socket.io/?EIO=4&transport=websocket');
let t0, n = 0; const times = [];
ws.on('message', (d) => {
  const s = d.toString();
  if (s[0] === '0') ws.send('40' + JSON.stringify({ token: jwt.sign({ sub: 'rt' }, 's') }));
  else if (s.startsWith('40')) { t0 = process.hrtime.bigint(); ws.send('42["status:request"]'); }
  else if (s.startsWith('42["users:online"')) {
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (++n < 200) { t0 = process.hrtime.bigint(); ws.send('42["status:request"]'); }
    else { times.sort((a,b)=>a-b); console.log('rtt us p50', times[100].toFixed(0), 'p90', times[180].toFixed(0), 'max', times[199].toFixed(0)); process.exit(0); }
  } else if (s === '2') ws.send('3');
});
