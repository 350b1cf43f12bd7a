import { EventStream, type LogEvent } from '../src/modules/events/event-stream';
import { DirectDelivery, type SharedResult } from '../src/server/shared-subscriptions';

const event = (seq: number): LogEvent => ({ seq, topic: 'sla', kind: 'BREACHED', ticketId: null, actorId: null, occurredAt: new Date(0), internal: false, data: {} });

describe('a subscriber’s event stream', () => {
  it('hands a burst over in order, letting the event loop turn between runs of events', async () => {
    const stream = new EventStream(0, () => true, () => undefined);
    stream.goLive();
    for (let seq = 1; seq <= 100; seq += 1) stream.deliver(event(seq));
    const seen: number[] = [];
    let seenWhenTheLoopTurned = -1;
    setImmediate(() => {
      seenWhenTheLoopTurned = seen.length;
    });
    for await (const item of stream) {
      seen.push(item.seq);
      if (seen.length === 100) break;
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    expect(seenWhenTheLoopTurned).toBeGreaterThan(0);
    expect(seenWhenTheLoopTurned).toBeLessThan(100);
  });
});

describe('direct delivery of a stream to a socket', () => {
  /** Executions settle when the test says so, in any order (even before delivery asks for them). */
  function executions() {
    const pending = new Map<number, { shared: SharedResult; settle: () => void }>();
    const entry = (seq: number) => {
      let found = pending.get(seq);
      if (!found) {
        let resolve!: () => void;
        const shared: SharedResult = { promise: new Promise<void>((done) => (resolve = done)) };
        const settle = () => {
          shared.settled = { result: { data: { seq } }, json: JSON.stringify({ data: { seq } }) };
          resolve();
        };
        pending.set(seq, (found = { shared, settle }));
      }
      return found;
    };
    return { execution: (item: LogEvent) => entry(item.seq).shared, settle: (seq: number) => entry(seq).settle() };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('writes each event in order once its shared execution settles, whatever order they settle in', async () => {
    const stream = new EventStream(0, (item) => item.seq !== 3, () => undefined);
    stream.goLive();
    const { execution, settle } = executions();
    const written: string[] = [];
    const delivery = new DirectDelivery(stream, execution, ({ json }) => written.push(json!) > 0);
    for (const seq of [1, 2, 3, 4]) stream.deliver(event(seq));
    settle(4);
    settle(2);
    await tick();
    expect(written).toEqual([]);
    settle(1);
    await tick();
    // 3 was refused by the stream's authorization; 4 was ready before 1 and still comes last.
    expect(written).toEqual([1, 2, 4].map((seq) => JSON.stringify({ data: { seq } })));
    const end = delivery.next();
    await delivery.return();
    await expect(end).resolves.toEqual({ value: undefined, done: true });
  });

  it('ends the subscription with "fell too far behind" when its socket cannot take more', async () => {
    const stream = new EventStream(0, () => true, () => undefined);
    stream.goLive();
    const { execution, settle } = executions();
    const delivery = new DirectDelivery(stream, execution, () => false);
    const end = delivery.next();
    stream.deliver(event(1));
    stream.deliver(event(2));
    settle(1);
    await expect(end).rejects.toThrow('fell too far behind');
  });
});
