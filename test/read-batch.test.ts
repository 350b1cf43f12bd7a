import { ReadBatch } from '../src/db/read-batch';
import { countStatements } from './support/sql-counter';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe('ReadBatch', () => {
  it('sends the reads of one turn in one round trip, each answered with its own rows', async () => {
    const reads = new ReadBatch(() => server.orm.em.fork());
    let answers: unknown[] = [];
    const { roundTrips, count } = await countStatements(server.orm, async () => {
      answers = await Promise.all([
        reads.read<{ n: number }>('select ?::int as n', [1]),
        reads.read<{ n: number }>('select n from generate_series(1, ?::int) n order by n;', [3]),
        reads.read<{ s: string }>("select ?::text || '!' as s", ['why']),
      ]);
    });
    expect(answers).toEqual([[{ n: 1 }], [{ n: 1 }, { n: 2 }, { n: 3 }], [{ s: 'why!' }]]);
    expect({ roundTrips, count }).toEqual({ roundTrips: 1, count: 3 });
  });

  it('refuses a read whose placeholders and parameters differ in number, which would shift the others', async () => {
    const reads = new ReadBatch(() => server.orm.em.fork());
    await expect(reads.read("select '?' as q")).rejects.toThrow('1 placeholders for 0 parameters');
  });

  it('sends reads of different turns apart', async () => {
    const reads = new ReadBatch(() => server.orm.em.fork());
    const { roundTrips } = await countStatements(server.orm, async () => {
      expect(await reads.read('select 1 as one')).toEqual([{ one: 1 }]);
      expect(await reads.read('select 2 as two')).toEqual([{ two: 2 }]);
    });
    expect(roundTrips).toBe(2);
  });

  it('fails every read of a trip in which one statement fails, and goes on afterwards', async () => {
    const reads = new ReadBatch(() => server.orm.em.fork());
    const trip = [reads.read('select 1 as one'), reads.read('select 1 / 0 as boom'), reads.read('select 3 as three')];
    const outcomes = await Promise.allSettled(trip);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await reads.read('select 4 as four')).toEqual([{ four: 4 }]);
  });
});
