import { EventStream, type LogEvent } from '../src/modules/events/event-stream';

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
