import {
  AddCommentDocument,
  AssignTicketDocument,
  ChangeTicketStatusDocument,
  CreateTicketDocument,
  Impact,
  LinkTicketsDocument,
  NodeDocument,
  Priority,
  RateTicketDocument,
  TicketDetailDocument,
  TicketDocument,
  TicketLinkKind,
  TicketsDocument,
  TicketStatus,
  TicketType,
  UpdateTicketDocument,
  Urgency,
  type CreateTicketInput,
} from './generated/graphql';
import type { GraphQLClient } from './support/client';
import { errorCodes } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let factory: Factory;
let agent: Awaited<ReturnType<Factory['agent']>>;
let desk: Awaited<ReturnType<Factory['group']>>;

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  agent = await factory.agent({ name: 'Desk Agent' });
  desk = await factory.group('Desk', 1, [agent.user.id]);
});
afterAll(() => server?.stop());

async function open(client: GraphQLClient, input: Partial<CreateTicketInput> = {}) {
  const { createTicket } = await client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: 'Printer jammed', ...input } });
  expect(createTicket.userErrors).toEqual([]);
  return createTicket.ticket!;
}

const ticketCount = async () => Number((await server.orm.em.fork().execute('select count(*) as n from tickets'))[0].n);
const historyCount = async () => Number((await server.orm.em.fork().execute('select count(*) as n from ticket_history'))[0].n);

describe('createTicket', () => {
  it('numbers tickets and keys them by type', async () => {
    const requester = await factory.user();
    const created = [];
    for (const type of [TicketType.Incident, TicketType.ServiceRequest, TicketType.Question, TicketType.Problem, TicketType.Change]) {
      created.push(await open(requester.client, { type }));
    }
    const first = created[0].number;
    expect(created.map((ticket) => ticket.number)).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
    expect(created.map((ticket) => ticket.key)).toEqual([`INC-${first}`, `REQ-${first + 1}`, `QST-${first + 2}`, `PRB-${first + 3}`, `CHG-${first + 4}`]);
  });

  it('opens with sensible defaults, the requester’s organization and a history entry', async () => {
    const organization = await factory.organization('Requesters Inc');
    const requester = await factory.user({ organizationId: organization.organization.id });
    const ticket = await open(requester.client, { description: '  The 3rd floor one.  ', tags: ['Printer', 'printer', 'floor-3'] });
    expect(ticket).toMatchObject({
      status: 'NEW',
      channel: 'PORTAL',
      impact: 'MEDIUM',
      urgency: 'MEDIUM',
      priority: 'P3',
      description: 'The 3rd floor one.',
      tags: ['printer', 'floor-3'],
      version: 1,
      requester: { id: requester.id },
      organization: { id: organization.id },
      assignee: null,
      commentCount: 0,
    });
    const { ticket: detail } = await requester.client.data(TicketDetailDocument, { id: ticket.id });
    expect(detail!.history.nodes).toEqual([expect.objectContaining({ field: 'created', actor: { id: requester.id, name: requester.user.name } })]);
  });

  it('derives the priority from the ITIL matrix', async () => {
    const requester = await factory.user();
    const matrix: [Impact, Urgency, Priority][] = [
      [Impact.High, Urgency.High, Priority.P1],
      [Impact.High, Urgency.Medium, Priority.P2],
      [Impact.Medium, Urgency.High, Priority.P2],
      [Impact.High, Urgency.Low, Priority.P3],
      [Impact.Medium, Urgency.Medium, Priority.P3],
      [Impact.Low, Urgency.High, Priority.P3],
      [Impact.Medium, Urgency.Low, Priority.P4],
      [Impact.Low, Urgency.Medium, Priority.P4],
      [Impact.Low, Urgency.Low, Priority.P4],
    ];
    for (const [impact, urgency, priority] of matrix) {
      expect((await open(requester.client, { impact, urgency })).priority).toBe(priority);
    }
  });

  it('lets agents, not requesters, open tickets for someone else', async () => {
    const requester = await factory.user();
    const other = await factory.user();
    const { createTicket: refused } = await requester.client.data(CreateTicketDocument, { input: { type: TicketType.Question, title: 'For a friend', requesterId: other.id } });
    expect(refused).toMatchObject({ ticket: null, userErrors: [{ field: ['input', 'requesterId'], code: 'NOT_ALLOWED' }] });
    const onBehalf = await open(agent.client, { requesterId: other.id, channel: 'PHONE' as never, groupId: desk.id, assigneeId: agent.id });
    expect(onBehalf).toMatchObject({ requester: { id: other.id }, channel: 'PHONE', group: { id: desk.id }, assignee: { id: agent.id } });
  });

  it('returns the first ticket for a repeated idempotency key, even when the retries race', async () => {
    const requester = await factory.user();
    const input = { type: TicketType.Incident, title: 'Sent from a train', idempotencyKey: 'phone-42' };
    const first = await open(requester.client, input);
    const again = await open(requester.client, input);
    expect(again.id).toBe(first.id);
    const raced = await Promise.all(Array.from({ length: 5 }, () => requester.client.data(CreateTicketDocument, { input: { ...input, idempotencyKey: 'phone-43' } })));
    expect(new Set(raced.map((result) => result.createTicket.ticket!.id)).size).toBe(1);
    const { tickets } = await agent.client.data(TicketsDocument, { filter: { requesterIds: [requester.id] } });
    expect(tickets.totalCount).toBe(2);
    // The key belongs to its user: someone else's same key makes their own ticket.
    const stranger = await factory.user();
    expect((await open(stranger.client, input)).id).not.toBe(first.id);
  });

  it('refuses bad input with a code and a field, and writes nothing', async () => {
    const requester = await factory.user();
    const foreignAsset = await factory.asset({ ownerId: (await factory.user()).user.id });
    const [tickets, history] = [await ticketCount(), await historyCount()];
    const cases: [Partial<CreateTicketInput>, string[], string, GraphQLClient][] = [
      [{ title: '   ' }, ['input', 'title'], 'INVALID_INPUT', requester.client],
      [{ title: 'x'.repeat(201) }, ['input', 'title'], 'INVALID_INPUT', requester.client],
      [{ groupId: desk.id }, ['input', 'groupId'], 'NOT_ALLOWED', requester.client],
      [{ groupId: Buffer.from('Group:00000000-0000-4000-8000-000000000000').toString('base64url') }, ['input', 'groupId'], 'NOT_FOUND', agent.client],
      [{ groupId: agent.id }, ['input', 'groupId'], 'NOT_FOUND', agent.client],
      [{ groupId: desk.id, assigneeId: requester.id }, ['input', 'assigneeId'], 'INVALID_INPUT', agent.client],
      [{ assetIds: [foreignAsset.id] }, ['input', 'assetIds', '0'], 'NOT_FOUND', requester.client],
      [{ tags: ['x'.repeat(51)] }, ['input', 'tags'], 'INVALID_INPUT', agent.client],
    ];
    for (const [input, field, code, client] of cases) {
      const { createTicket } = await client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: 'Valid title', ...input } });
      expect({ input, ticket: createTicket.ticket, errors: createTicket.userErrors.map((error) => [error.field, error.code]) }).toEqual({ input, ticket: null, errors: [[field, code]] });
    }
    expect([await ticketCount(), await historyCount()]).toEqual([tickets, history]);
  });

  it('links the requester’s own assets', async () => {
    const requester = await factory.user();
    const laptop = await factory.asset({ ownerId: requester.user.id, tag: 'LAPTOP-ALICE' });
    const ticket = await open(requester.client, { assetIds: [laptop.id] });
    expect(ticket.assets).toEqual([{ id: laptop.id, tag: 'LAPTOP-ALICE' }]);
  });
});

describe('updateTicket', () => {
  it('records every changed field in the history, with the actor', async () => {
    const requester = await factory.user();
    const ticket = await open(requester.client);
    const { updateTicket } = await agent.client.data(UpdateTicketDocument, {
      input: { id: ticket.id, expectedVersion: 1, title: 'Printer jammed on floor 3', urgency: Urgency.High, priorityOverride: Priority.P1, category: 'hardware', tags: ['printer'] },
    });
    expect(updateTicket.ticket).toMatchObject({ title: 'Printer jammed on floor 3', urgency: 'HIGH', priority: 'P1', priorityOverride: 'P1', category: 'hardware', version: 2 });
    const { ticket: detail } = await agent.client.data(TicketDetailDocument, { id: ticket.id });
    const changes = detail!.history.nodes.filter((entry) => entry.field !== 'created');
    expect(changes.map((entry) => [entry.field, entry.from, entry.to])).toEqual([
      ['title', 'Printer jammed', 'Printer jammed on floor 3'],
      ['urgency', 'MEDIUM', 'HIGH'],
      ['priorityOverride', null, 'P1'],
      ['priority', 'P3', 'P1'],
      ['category', null, 'hardware'],
      ['tags', [], ['printer']],
    ]);
    expect(new Set(changes.map((entry) => entry.actor?.id))).toEqual(new Set([agent.id]));

    const { updateTicket: back } = await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, priorityOverride: null } });
    expect(back.ticket).toMatchObject({ priority: 'P2', priorityOverride: null });
  });

  it('keeps staff fields to staff and refuses a stale version', async () => {
    const requester = await factory.user();
    const ticket = await open(requester.client);
    const { updateTicket: own } = await requester.client.data(UpdateTicketDocument, { input: { id: ticket.id, description: 'More detail' } });
    expect(own.ticket?.description).toBe('More detail');
    const { updateTicket: staffOnly } = await requester.client.data(UpdateTicketDocument, { input: { id: ticket.id, priorityOverride: Priority.P1, tags: ['vip'] } });
    expect(staffOnly.userErrors.map((error) => [error.field, error.code])).toEqual([
      [['input', 'priorityOverride'], 'NOT_ALLOWED'],
      [['input', 'tags'], 'NOT_ALLOWED'],
    ]);
    const { updateTicket: stale } = await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, expectedVersion: 1, title: 'Late edit' } });
    expect(stale).toMatchObject({ ticket: null, userErrors: [{ field: ['input', 'expectedVersion'], code: 'STALE_VERSION' }] });
    expect((await agent.client.data(TicketDocument, { id: ticket.id })).ticket).toMatchObject({ title: 'Printer jammed', version: 2 });
  });
});

describe('status workflow', () => {
  const ALL = Object.values(TicketStatus);
  const ALLOWED: Record<string, string[]> = {
    NEW: ['OPEN', 'PENDING', 'ON_HOLD', 'RESOLVED', 'CANCELLED'],
    OPEN: ['PENDING', 'ON_HOLD', 'RESOLVED', 'CANCELLED'],
    PENDING: ['OPEN', 'RESOLVED', 'CANCELLED'],
    ON_HOLD: ['OPEN', 'RESOLVED', 'CANCELLED'],
    RESOLVED: ['CLOSED', 'OPEN'],
    CLOSED: [],
    CANCELLED: [],
  };
  const PATH: Record<string, TicketStatus[]> = {
    NEW: [],
    OPEN: [TicketStatus.Open],
    PENDING: [TicketStatus.Pending],
    ON_HOLD: [TicketStatus.OnHold],
    RESOLVED: [TicketStatus.Resolved],
    CLOSED: [TicketStatus.Resolved, TicketStatus.Closed],
    CANCELLED: [TicketStatus.Cancelled],
  };
  const move = (id: string, status: TicketStatus, extra: { expectedVersion?: number; resolution?: string } = {}) =>
    agent.client.data(ChangeTicketStatusDocument, { input: { id, status, resolution: status === TicketStatus.Resolved ? 'Fixed it' : undefined, ...extra } });

  it.each(ALL)('from %s allows exactly the contract’s moves', async (from) => {
    const requester = await factory.user();
    for (const to of ALL) {
      const ticket = await open(requester.client);
      for (const step of PATH[from]) expect((await move(ticket.id, step)).changeTicketStatus.userErrors).toEqual([]);
      const { changeTicketStatus } = await move(ticket.id, to);
      if (ALLOWED[from].includes(to)) {
        expect(changeTicketStatus.userErrors).toEqual([]);
        expect(changeTicketStatus.ticket!.status).toBe(to);
      } else {
        expect(changeTicketStatus).toMatchObject({ ticket: null, userErrors: [{ field: ['input', 'status'], code: 'INVALID_TRANSITION' }] });
      }
    }
  });

  it('needs a resolution to resolve, stamps the times, and reopens', async () => {
    const ticket = await open((await factory.user()).client);
    const { changeTicketStatus: bare } = await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Resolved } });
    expect(bare.userErrors).toEqual([expect.objectContaining({ field: ['input', 'resolution'], code: 'INVALID_INPUT' })]);
    const resolved = (await move(ticket.id, TicketStatus.Resolved)).changeTicketStatus.ticket!;
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolution: 'Fixed it', resolvedAt: expect.any(String), closedAt: null });
    const reopened = (await move(ticket.id, TicketStatus.Open)).changeTicketStatus.ticket!;
    expect(reopened).toMatchObject({ status: 'OPEN', resolvedAt: null, resolution: null, reopenedCount: 1 });
    await move(ticket.id, TicketStatus.Resolved);
    const closed = (await move(ticket.id, TicketStatus.Closed)).changeTicketStatus.ticket!;
    expect(closed).toMatchObject({ status: 'CLOSED', closedAt: expect.any(String), reopenedCount: 1 });
  });

  it('refuses a stale version', async () => {
    const ticket = await open((await factory.user()).client);
    await move(ticket.id, TicketStatus.Open);
    const { changeTicketStatus } = await move(ticket.id, TicketStatus.Pending, { expectedVersion: 1 });
    expect(changeTicketStatus.userErrors.map((error) => error.code)).toEqual(['STALE_VERSION']);
  });

  it('lets a requester cancel, accept or reopen, but not triage', async () => {
    const requester = await factory.user();
    const ticket = await open(requester.client);
    const { changeTicketStatus: triage } = await requester.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Pending } });
    expect(triage.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);
    await move(ticket.id, TicketStatus.Resolved);
    const { changeTicketStatus: reopen } = await requester.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Open } });
    expect(reopen.ticket?.status).toBe('OPEN');
    const { changeTicketStatus: cancel } = await requester.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Cancelled } });
    expect(cancel.ticket).toMatchObject({ status: 'CANCELLED', closedAt: expect.any(String) });
  });
});

describe('assignTicket', () => {
  it('assigns within the group, clears an assignee foreign to a new group, and records it', async () => {
    const ticket = await open((await factory.user()).client);
    const network = await factory.agent({ name: 'Net Agent' });
    const networkGroup = await factory.group('Network', 2, [network.user.id]);
    const { assignTicket } = await agent.client.data(AssignTicketDocument, { input: { id: ticket.id, groupId: desk.id, assigneeId: agent.id } });
    expect(assignTicket.ticket).toMatchObject({ group: { id: desk.id }, assignee: { id: agent.id } });
    const { assignTicket: moved } = await agent.client.data(AssignTicketDocument, { input: { id: ticket.id, groupId: networkGroup.id } });
    expect(moved.ticket).toMatchObject({ group: { id: networkGroup.id }, assignee: null });
    const { assignTicket: outsider } = await agent.client.data(AssignTicketDocument, { input: { id: ticket.id, assigneeId: agent.id } });
    expect(outsider.userErrors).toEqual([expect.objectContaining({ field: ['input', 'assigneeId'], code: 'INVALID_INPUT' })]);
    const { ticket: detail } = await agent.client.data(TicketDetailDocument, { id: ticket.id });
    expect(detail!.history.nodes.filter((entry) => ['group', 'assignee'].includes(entry.field)).map((entry) => [entry.field, entry.from, entry.to])).toEqual([
      ['group', null, desk.id],
      ['assignee', null, agent.id],
      ['group', desk.id, networkGroup.id],
      ['assignee', agent.id, null],
    ]);
  });

  it('is not for requesters or analysts', async () => {
    const requester = await factory.user();
    const ticket = await open(requester.client);
    for (const client of [requester.client, (await factory.analyst()).client]) {
      expect(errorCodes(await client.request(AssignTicketDocument, { input: { id: ticket.id, groupId: desk.id } }))).toEqual(['FORBIDDEN']);
    }
  });
});

describe('comments', () => {
  it('keeps internal notes from requesters everywhere', async () => {
    const requester = await factory.user();
    const ticket = await open(requester.client);
    const { addComment: refused } = await requester.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'psst', internal: true } });
    expect(refused.userErrors).toEqual([expect.objectContaining({ field: ['input', 'internal'], code: 'NOT_ALLOWED' })]);
    const { addComment: note } = await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'User is a VIP', internal: true } });
    expect(note.comment).toMatchObject({ internal: true, ticket: { firstRespondedAt: null } });
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'On my way' } });

    const asRequester = (await requester.client.data(TicketDetailDocument, { id: ticket.id })).ticket!;
    expect(asRequester.comments.nodes.map((comment) => comment.body)).toEqual(['On my way']);
    expect(asRequester.comments.totalCount).toBe(1);
    expect(asRequester.history.nodes.filter((entry) => entry.field === 'comment')).toHaveLength(1);
    expect((await requester.client.data(TicketDocument, { id: ticket.id })).ticket!.commentCount).toBe(1);
    expect((await requester.client.data(NodeDocument, { id: note.comment!.id })).node).toBeNull();

    const asAgent = (await agent.client.data(TicketDetailDocument, { id: ticket.id })).ticket!;
    expect(asAgent.comments.nodes.map((comment) => [comment.body, comment.internal])).toEqual([
      ['User is a VIP', true],
      ['On my way', false],
    ]);
    expect((await agent.client.data(TicketDocument, { id: ticket.id })).ticket!.commentCount).toBe(2);
  });

  it('sets firstRespondedAt on the first public agent reply, and keeps the version', async () => {
    const requester = await factory.user();
    const ticket = await open(requester.client);
    await requester.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'Any news?' } });
    expect((await agent.client.data(TicketDocument, { id: ticket.id })).ticket).toMatchObject({ firstRespondedAt: null, version: 1 });
    const { addComment } = await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'Yes: replacing the toner.' } });
    const respondedAt = addComment.comment!.ticket.firstRespondedAt;
    expect(respondedAt).toBe(addComment.comment!.createdAt);
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'Done.' } });
    const after = (await agent.client.data(TicketDocument, { id: ticket.id })).ticket!;
    expect(after.firstRespondedAt).toBe(respondedAt);
    // A later plain comment refreshes updatedAt but not the version: an edit in progress still applies.
    const { updateTicket } = await agent.client.data(UpdateTicketDocument, { input: { id: ticket.id, expectedVersion: after.version, category: 'printing' } });
    expect(updateTicket.userErrors).toEqual([]);
  });

  it('moves a PENDING ticket back to OPEN when the requester replies', async () => {
    const requester = await factory.user();
    const ticket = await open(requester.client);
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Pending } });
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'Internal: still pending', internal: true } });
    expect((await agent.client.data(TicketDocument, { id: ticket.id })).ticket!.status).toBe('PENDING');
    const { addComment } = await requester.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'Here is the photo you asked for' } });
    expect(addComment.comment!.ticket.status).toBe('OPEN');
    const history = (await agent.client.data(TicketDetailDocument, { id: ticket.id })).ticket!.history.nodes;
    expect(history[history.length - 1]).toMatchObject({ field: 'status', from: 'PENDING', to: 'OPEN', actor: { id: requester.id } });
  });

  it('refuses comments on closed tickets and from analysts', async () => {
    const ticket = await open((await factory.user()).client);
    const analyst = await factory.analyst();
    expect(errorCodes(await analyst.client.request(AddCommentDocument, { input: { ticketId: ticket.id, body: 'hello' } }))).toEqual(['FORBIDDEN']);
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Cancelled } });
    const { addComment } = await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'too late' } });
    expect(addComment.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);
  });
});

describe('links', () => {
  it('shows a CAUSED_BY link on both tickets, and refuses nonsense', async () => {
    const requester = await factory.user();
    const incident = await open(requester.client);
    const problem = await open(agent.client, { type: TicketType.Problem, title: 'Printer firmware bug' });
    const { linkTickets } = await agent.client.data(LinkTicketsDocument, { input: { fromId: incident.id, toId: problem.id, kind: TicketLinkKind.CausedBy } });
    expect(linkTickets.ticketLink).toEqual({ kind: 'CAUSED_BY', direction: 'OUTGOING', ticket: { id: problem.id, key: problem.key } });
    const problemSide = (await agent.client.data(TicketDetailDocument, { id: problem.id })).ticket!.links;
    expect(problemSide).toEqual([{ kind: 'CAUSED_BY', direction: 'INCOMING', ticket: { id: incident.id, key: incident.key, type: 'INCIDENT' } }]);
    // The requester does not see the agent's problem ticket, nor the link to it.
    expect((await requester.client.data(TicketDetailDocument, { id: incident.id })).ticket!.links).toEqual([]);

    const refusals: [string, string, TicketLinkKind, string][] = [
      [incident.id, incident.id, TicketLinkKind.RelatesTo, 'INVALID_INPUT'],
      [problem.id, incident.id, TicketLinkKind.CausedBy, 'INVALID_INPUT'],
      [incident.id, problem.id, TicketLinkKind.CausedBy, 'ALREADY_EXISTS'],
    ];
    for (const [fromId, toId, kind, code] of refusals) {
      const { linkTickets: refused } = await agent.client.data(LinkTicketsDocument, { input: { fromId, toId, kind } });
      expect(refused.userErrors.map((error) => error.code)).toEqual([code]);
    }
    expect(errorCodes(await requester.client.request(LinkTicketsDocument, { input: { fromId: incident.id, toId: problem.id, kind: TicketLinkKind.RelatesTo } }))).toEqual(['FORBIDDEN']);
  });
});

describe('rateTicket', () => {
  it('takes one rating from 1 to 5 from the requester, once resolved', async () => {
    const requester = await factory.user();
    const ticket = await open(requester.client);
    const rate = (client: GraphQLClient, rating: number) => client.data(RateTicketDocument, { input: { id: ticket.id, rating, comment: 'Quick fix, thanks' } });
    expect((await rate(requester.client, 5)).rateTicket.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: ticket.id, status: TicketStatus.Resolved, resolution: 'Toner replaced' } });
    expect((await rate(requester.client, 6)).rateTicket.userErrors).toEqual([expect.objectContaining({ field: ['input', 'rating'], code: 'INVALID_INPUT' })]);
    expect((await rate(agent.client, 5)).rateTicket.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);
    const { rateTicket } = await rate(requester.client, 5);
    expect(rateTicket.ticket!.satisfaction).toMatchObject({ rating: 5, comment: 'Quick fix, thanks', ratedAt: expect.any(String) });
    expect((await rate(requester.client, 1)).rateTicket.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);
  });
});

describe('history', () => {
  it('is append-only in the database itself', async () => {
    await open((await factory.user()).client);
    const em = server.orm.em.fork();
    await expect(em.execute(`update ticket_history set field = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(em.execute('delete from ticket_history')).rejects.toThrow(/append-only/);
  });
});

describe('visibility', () => {
  it('never shows a requester someone else’s ticket, by any path', async () => {
    const alice = await factory.user({ name: 'Alice' });
    const bob = await factory.user({ name: 'Bob' });
    const secret = await open(alice.client, { title: 'Salary spreadsheet corrupted' });
    expect((await bob.client.data(TicketDocument, { id: secret.id })).ticket).toBeNull();
    expect((await bob.client.data(TicketDocument, { number: secret.number })).ticket).toBeNull();
    expect((await bob.client.data(NodeDocument, { id: secret.id })).node).toBeNull();
    const listed = await bob.client.data(TicketsDocument, { filter: { text: 'salary' } });
    expect(listed.tickets).toMatchObject({ totalCount: 0, nodes: [] });
    const { addComment } = await bob.client.data(AddCommentDocument, { input: { ticketId: secret.id, body: 'peek' } });
    expect(addComment.userErrors).toEqual([expect.objectContaining({ field: ['input', 'ticketId'], code: 'NOT_FOUND' })]);
    const { changeTicketStatus } = await bob.client.data(ChangeTicketStatusDocument, { input: { id: secret.id, status: TicketStatus.Cancelled } });
    expect(changeTicketStatus.userErrors.map((error) => error.code)).toEqual(['NOT_FOUND']);
    expect((await alice.client.data(TicketDocument, { id: secret.id })).ticket?.title).toBe('Salary spreadsheet corrupted');
  });

  it('shares tickets within an organization only when it says so', async () => {
    const sharing = await factory.organization('Sharing Co', true);
    const private_ = await factory.organization('Private Co', false);
    const [a, b] = [await factory.user({ organizationId: sharing.organization.id }), await factory.user({ organizationId: sharing.organization.id })];
    const [c, d] = [await factory.user({ organizationId: private_.organization.id }), await factory.user({ organizationId: private_.organization.id })];
    const shared = await open(a.client);
    const notShared = await open(c.client);
    expect((await b.client.data(TicketDocument, { id: shared.id })).ticket?.id).toBe(shared.id);
    expect((await d.client.data(TicketDocument, { id: notShared.id })).ticket).toBeNull();
    expect((await b.client.data(TicketsDocument, {})).tickets.totalCount).toBe(1);
    expect((await d.client.data(TicketsDocument, {})).tickets.totalCount).toBe(0);
  });

  it('lets analysts read everything, internal notes included, and write nothing', async () => {
    const analyst = await factory.analyst();
    const ticket = await open((await factory.user()).client);
    await agent.client.data(AddCommentDocument, { input: { ticketId: ticket.id, body: 'internal detail', internal: true } });
    const detail = (await analyst.client.data(TicketDetailDocument, { id: ticket.id })).ticket!;
    expect(detail.comments.nodes.map((comment) => comment.internal)).toEqual([true]);
    expect(errorCodes(await analyst.client.request(CreateTicketDocument, { input: { type: TicketType.Question, title: 'Can I?' } }))).toEqual(['FORBIDDEN']);
  });

  it('asks anonymous callers to log in', async () => {
    expect(errorCodes(await factory.anonymous.request(TicketsDocument, {}))).toEqual(['UNAUTHENTICATED']);
  });
});
