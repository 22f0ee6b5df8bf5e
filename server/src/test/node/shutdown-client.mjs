// Used by ShutdownTest: alice pipelines N sends to bob with acks and reports every answer, while
// the server is being stopped under her.
//   node shutdown-client.mjs URL TOKEN_ALICE TOKEN_BOB N
import { io } from 'socket.io-client';

const [url, aliceToken, bobToken, count] = process.argv.slice(2);
const connect = (token) =>
  new Promise((resolve, reject) => {
    const s = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    s.on('connect', () => resolve(s));
    s.on('connect_error', reject);
  });
const bob = await connect(bobToken);
const alice = await connect(aliceToken);
let answered = 0;
const n = Number(count);
alice.on('disconnect', (reason) => console.log(`disconnect ${reason}`));
console.log('sending');
for (let i = 0; i < n; i++) {
  alice.timeout(10000).emit('message:send', { recipientId: 'bob', content: `m${i}`, clientMessageId: `c${i}` }, (err, ack) => {
    if (err) console.log(`noanswer c${i}`);
    else if (ack.ok) console.log(`ok ${ack.message.clientMessageId} ${ack.message.id}`);
    else console.log(`error c${i} ${ack.error.code}`);
    if (++answered === n) {
      console.log('done');
      process.exit(0);
    }
  });
}
setTimeout(() => { console.log('done'); process.exit(0); }, 15000);
bob.on('message:receive', () => {});
