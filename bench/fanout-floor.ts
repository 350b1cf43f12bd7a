/**
 * The floor of the `fanout` benchmark, run as its own process by bench/fanout.ts (not a benchmark
 * itself): a bare `ws` WebSocketServer that, on each `broadcast`, sends one pre-serialised payload
 * (a Buffer made once, before the timed part) to every connected client. Nothing per client but
 * ws's framing and the socket write: what any WebSocket fan-out in node costs at least.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { settledMemory, wallClock, type FromFloor, type ToFloor } from './fanout-protocol';

function main(): void {
  const reply = (message: FromFloor) => process.send!(message);
  const payloads = new Map<number, Buffer>();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  wss.on('listening', () => reply({ type: 'listening', port: (wss.address() as AddressInfo).port }));

  process.on('message', (message: ToFloor) => {
    if (message.type === 'load') {
      for (const [key, text] of message.payloads) payloads.set(key, Buffer.from(text, 'utf8'));
      reply({ type: 'loaded' });
    } else if (message.type === 'broadcast') {
      const payload = payloads.get(message.key);
      if (!payload) throw new Error(`no payload for key ${message.key}`);
      const at = wallClock();
      for (const client of wss.clients) client.send(payload, { binary: false });
      reply({ type: 'sent', key: message.key, at, ms: wallClock() - at, clients: wss.clients.size });
    } else if (message.type === 'memory') {
      void settledMemory().then((usage) => reply({ type: 'memory', ...usage }));
    }
  });
  // The orchestrator going away (normally or not) ends the floor.
  process.on('disconnect', () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    process.exit(0);
  });
}

if (require.main === module) main();
