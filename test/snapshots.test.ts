import { findSnapshots, findSnapshotsById } from '../src/db/snapshots';
import { Impact, Urgency } from '../src/modules/tickets/tickets.enums';
import { Ticket, TicketHistory } from '../src/modules/tickets/tickets.entities';
import { User } from '../src/modules/users/users.entities';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let factory: Factory;

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
});
afterAll(() => server?.stop());

/** What read paths get instead of entities must read the same: every property a mapper may use. */
describe('snapshots', () => {
  it('read a ticket as its entity reads, with references as { id }', async () => {
    const requester = await factory.user({ name: 'Snapshot Requester' });
    const { id } = (await factory.ticket(requester, { title: 'Snapshot me', impact: Impact.HIGH, urgency: Urgency.LOW, tags: ['vpn', 'paris'] })).ticket;
    const entity = await server.orm.em.fork().findOneOrFail(Ticket, id);
    const [snapshot] = await findSnapshots(server.orm.em.fork(), Ticket, { id });

    expect(snapshot.requester).toEqual({ id: requester.user.id });
    expect(snapshot.group).toBeNull();
    for (const key of ['id', 'number', 'type', 'title', 'status', 'impact', 'urgency', 'priority', 'tags', 'version', 'reopenedCount'] as const) {
      expect({ key, value: snapshot[key] }).toEqual({ key, value: entity[key] });
    }
    expect(snapshot.createdAt).toBeInstanceOf(Date);
    expect(snapshot.createdAt.getTime()).toBe(entity.createdAt.getTime());
    expect(typeof snapshot.number).toBe('number');
  });

  it('convert custom types (bigint ids to numbers) and leave lazy properties out', async () => {
    const requester = await factory.user();
    const { id } = (await factory.ticket(requester, { title: 'With history' })).ticket;
    const [entry] = await findSnapshots(server.orm.em.fork(), TicketHistory, { ticket: id });
    expect(typeof entry.id).toBe('number');
    expect(entry.ticket).toEqual({ id });

    const [user] = await findSnapshotsById(server.orm.em.fork(), User, [requester.user.id]);
    expect(user.email).toBe(requester.user.email);
    expect('passwordHash' in user).toBe(false);
  });

  it('by id: any order, unknown ids skipped', async () => {
    const [a, b] = await Promise.all([factory.user({ name: 'A' }), factory.user({ name: 'B' })]);
    const found = await findSnapshotsById(server.orm.em.fork(), User, [b.user.id, '00000000-0000-4000-8000-000000000000', a.user.id]);
    expect(found.map((user) => user.id).sort()).toEqual([a.user.id, b.user.id].sort());
  });
});
