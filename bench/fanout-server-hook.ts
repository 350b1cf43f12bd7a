/**
 * Preloaded into the real server by the `fanout` benchmark (`node --expose-gc -r
 * dist/bench/fanout-server-hook.js dist/src/main.js`, with an IPC channel); not a benchmark itself.
 *
 * - `{ type: 'memory' }`: answers process.memoryUsage() after full garbage collections (settledMemory
 *   in fanout-protocol.ts), so that memory is compared between two collected states rather than at
 *   whatever point V8 had reached.
 * - `{ type: 'eventLog', enabled }`: the switch that src/ does not have. The server has no setting that
 *   turns the event log off, so while it is off this replaces, on the exports of
 *   src/modules/events/event-log.ts (which every caller reads at call time: `(0,
 *   event_log_1.writeEvents)(…)` in the CommonJS output of outbox.ts), `lockEventLog` (the counter's
 *   row lock) and `writeEvents` (the counter's update and the `events` insert, with its NOTIFY
 *   trigger) by nothing but the read sent with them, if any (a queue task's), which runs alone.
 *   Everything else of a mutation (its transaction, the ticket's history rows, what other domains
 *   do in it, queue counts included, the response) stays the same; what goes is the lock, the
 *   insert and the dispatcher's read after each NOTIFY. The orchestrator checks on
 *   `events` that each arm wrote what it should.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import * as eventLog from '../src/modules/events/event-log';
import { settledMemory, type FromServer, type ToServer } from './fanout-protocol';

// With esModuleInterop, `import * as` of a CommonJS module marked __esModule is that module's own
// exports object: assigning here is what every `require('./event-log')` sees.
const exportsOfEventLog = eventLog as {
  writeEvents: typeof eventLog.writeEvents;
  lockEventLog: typeof eventLog.lockEventLog;
};
let enabled = true;
const { writeEvents, lockEventLog } = exportsOfEventLog;
const readAlone = <Row>(em: EntityManager, then?: eventLog.Statement): Promise<Row[]> | Row[] => (then ? em.execute<Row[]>(then.sql, then.params ?? []) : []);
exportsOfEventLog.writeEvents = async <Row>(em: EntityManager, events: eventLog.EventDraft[], then?: eventLog.Statement): Promise<Row[]> =>
  enabled ? writeEvents<Row>(em, events, then) : readAlone<Row>(em, then);
exportsOfEventLog.lockEventLog = async <Row>(em: EntityManager, then?: eventLog.Statement): Promise<Row[]> =>
  enabled ? lockEventLog<Row>(em, then) : readAlone<Row>(em, then);

const reply = (message: FromServer) => process.send?.(message);


process.on('message', (message: ToServer) => {
  if (message.type === 'eventLog') {
    enabled = message.enabled;
    reply({ type: 'eventLog', enabled });
  } else if (message.type === 'memory') {
    void settledMemory().then((usage) => reply({ type: 'memory', ...usage }));
  }
});
// If the orchestrator dies, the server must not keep running on its own.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
reply({ type: 'hooked' });
