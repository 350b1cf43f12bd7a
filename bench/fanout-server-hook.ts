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
 *   event_log_1.appendEvent)(…)` in the CommonJS output):
 *   - `appendEvent` by what it does besides writing the event: `em.flush()`;
 *   - `lockEventLog` (`select … from event_sequence for update`, taken first by every writer of the
 *     log so that they lock in one order) by nothing: it exists only for the log.
 *   Everything else of a mutation (its transaction, the ticket's history rows, what other domains do
 *   in it, the response) stays the same; what goes is the lock on the counter row, its update, the
 *   `events` insert with its NOTIFY trigger, and the dispatcher's read after each NOTIFY. The
 *   orchestrator checks on `events` that each arm wrote what it should.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import * as eventLog from '../src/modules/events/event-log';
import { settledMemory, type FromServer, type ToServer } from './fanout-protocol';

// With esModuleInterop, `import * as` of a CommonJS module marked __esModule is that module's own
// exports object: assigning here is what every `require('../events/event-log')` sees.
const exportsOfEventLog = eventLog as {
  appendEvent: typeof eventLog.appendEvent;
  lockEventLog?: (em: EntityManager) => Promise<void>;
};
let enabled = true;
const appendEvent = exportsOfEventLog.appendEvent;
exportsOfEventLog.appendEvent = async (em: EntityManager, event: eventLog.EventDraft): Promise<number> => {
  if (enabled) return appendEvent(em, event);
  await em.flush();
  return 0;
};
const lockEventLog = exportsOfEventLog.lockEventLog;
if (lockEventLog) {
  exportsOfEventLog.lockEventLog = async (em: EntityManager): Promise<void> => {
    if (enabled) await lockEventLog(em);
  };
}

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
