import { randomBytes } from 'node:crypto';
import {
  AssetDetailDocument,
  AssetDocument,
  AssetImpactDocument,
  AssetKind,
  AssetKindSchemasDocument,
  AssetNodeDocument,
  AssetRelationKind,
  AssetsDocument,
  AssetStatus,
  ChangeTicketDocument,
  ChangeTicketStatusDocument,
  CreateAssetDocument,
  CreateTicketDocument,
  DecideChangeDocument,
  LinkTicketsDocument,
  RelateAssetsDocument,
  RequestChangeApprovalDocument,
  ResolveProblemDocument,
  RetireAssetDocument,
  SetAssetKindSchemaDocument,
  TicketLinkKind,
  TicketStatus,
  TicketType,
  UnrelateAssetsDocument,
  UpdateAssetDocument,
  type AssetImpactQuery,
  type CreateAssetInput,
  type CreateTicketInput,
} from './generated/graphql';
import { toGlobalId } from '../src/graphql/global-id';
import type { Asset } from '../src/modules/assets/assets.entities';
import { AssetKind as Kind } from '../src/modules/assets/assets.enums';
import { AssetsService } from '../src/modules/assets/assets.service';
import { errorCodes, type GraphQLClient } from './support/client';
import { Factory } from './support/factories';
import { startTestServer, type TestServer } from './support/server';
import { countStatements } from './support/sql-counter';

let server: TestServer;
let factory: Factory;
let admin: Awaited<ReturnType<Factory['admin']>>;
let agent: Awaited<ReturnType<Factory['agent']>>;

beforeAll(async () => {
  server = await startTestServer();
  factory = new Factory(server);
  admin = await factory.admin({ name: 'Asset Admin' });
  agent = await factory.agent({ name: 'Asset Agent' });
});
afterAll(() => server?.stop());

const count = async (table: string) => Number((await server.orm.em.fork().execute(`select count(*) as n from ${table}`))[0].n);
const counts = async () => Promise.all(['assets', 'asset_relations', 'asset_history', 'asset_kind_schemas'].map(count));
const uniqueTag = (prefix = 'T') => `${prefix}-${randomBytes(4).toString('hex').toUpperCase()}`;

async function createAsset(input: Partial<CreateAssetInput> = {}, client: GraphQLClient = agent.client) {
  const { createAsset } = await client.data(CreateAssetDocument, { input: { tag: uniqueTag(), name: 'Thing', kind: AssetKind.Hardware, ...input } });
  expect(createAsset.userErrors).toEqual([]);
  return createAsset.asset!;
}

async function relate(fromId: string, toId: string, kind: AssetRelationKind = AssetRelationKind.DependsOn) {
  const { relateAssets } = await agent.client.data(RelateAssetsDocument, { input: { fromId, toId, kind } });
  expect(relateAssets.userErrors).toEqual([]);
  return relateAssets.assetRelation!;
}

async function openTicket(client: GraphQLClient, input: Partial<CreateTicketInput> = {}) {
  const { createTicket } = await client.data(CreateTicketDocument, { input: { type: TicketType.Incident, title: 'Something broke', ...input } });
  expect(createTicket.userErrors).toEqual([]);
  return createTicket.ticket!;
}

describe('createAsset', () => {
  it('stores every field, finds the asset by id, tag and node, and records its creation', async () => {
    const owner = await factory.user({ name: 'Owner Olga' });
    const asset = await createAsset({
      tag: 'LAP-OLGA-01',
      name: 'ThinkPad T14',
      kind: AssetKind.Hardware,
      status: AssetStatus.InUse,
      ownerId: owner.id,
      location: 'Paris, 3rd floor',
      serialNumber: 'PF3K2L9A',
      purchasedAt: '2024-02-29',
      warrantyUntil: '2027-02-28',
      attributes: { ram: 32, cpu: 'i7' },
    });
    expect(asset).toMatchObject({
      tag: 'LAP-OLGA-01',
      kind: 'HARDWARE',
      status: 'IN_USE',
      owner: { id: owner.id, name: 'Owner Olga' },
      location: 'Paris, 3rd floor',
      serialNumber: 'PF3K2L9A',
      purchasedAt: '2024-02-29',
      warrantyUntil: '2027-02-28',
      attributes: { ram: 32, cpu: 'i7' },
      version: 1,
      relations: [],
    });
    expect((await agent.client.data(AssetDocument, { tag: 'LAP-OLGA-01' })).asset?.id).toBe(asset.id);
    expect((await agent.client.data(AssetDocument, { id: asset.id })).asset?.tag).toBe('LAP-OLGA-01');
    expect((await agent.client.data(AssetNodeDocument, { id: asset.id })).node).toEqual({ __typename: 'Asset', id: asset.id, tag: 'LAP-OLGA-01' });
    const { asset: detail } = await agent.client.data(AssetDetailDocument, { id: asset.id });
    expect(detail!.history.nodes).toEqual([expect.objectContaining({ field: 'created', from: null, to: { kind: 'HARDWARE', status: 'IN_USE' }, actor: { id: agent.id, name: 'Asset Agent' } })]);
    const defaults = await createAsset({ kind: AssetKind.Software });
    expect(defaults).toMatchObject({ status: 'IN_STOCK', owner: null, attributes: {}, purchasedAt: null });
  });

  it('refuses bad input with a code and a field, and writes nothing', async () => {
    const taken = await createAsset({ tag: 'TAKEN-1' });
    const inactive = await factory.user();
    await server.orm.em.fork().execute('update users set active = false where id = ?', [inactive.user.id]);
    const before = await counts();
    const cases: [Partial<CreateAssetInput>, string[], string][] = [
      [{ tag: 'TAKEN-1' }, ['input', 'tag'], 'ALREADY_EXISTS'],
      [{ tag: '   ' }, ['input', 'tag'], 'INVALID_INPUT'],
      [{ tag: 'x'.repeat(101) }, ['input', 'tag'], 'INVALID_INPUT'],
      [{ name: '' }, ['input', 'name'], 'INVALID_INPUT'],
      [{ ownerId: Buffer.from('User:00000000-0000-4000-8000-000000000000').toString('base64url') }, ['input', 'ownerId'], 'NOT_FOUND'],
      [{ ownerId: taken.id }, ['input', 'ownerId'], 'NOT_FOUND'],
      [{ ownerId: inactive.id }, ['input', 'ownerId'], 'NOT_FOUND'],
      [{ status: AssetStatus.Retired }, ['input', 'status'], 'INVALID_INPUT'],
      [{ purchasedAt: '2025-06-01', warrantyUntil: '2025-05-31' }, ['input', 'warrantyUntil'], 'INVALID_INPUT'],
      [{ attributes: [1, 2] }, ['input', 'attributes'], 'INVALID_INPUT'],
    ];
    for (const [input, field, code] of cases) {
      const { createAsset } = await agent.client.data(CreateAssetDocument, { input: { tag: uniqueTag(), name: 'Valid', kind: AssetKind.Hardware, ...input } });
      expect({ input, asset: createAsset.asset, errors: createAsset.userErrors.map((error) => [error.field, error.code]) }).toEqual({ input, asset: null, errors: [[field, code]] });
    }
    // A day that does not exist is not a Date: refused by the schema before any resolver runs.
    const impossible = await agent.client.request(CreateAssetDocument, { input: { tag: uniqueTag(), name: 'x', kind: AssetKind.Hardware, purchasedAt: '2025-02-30' } });
    expect(errorCodes(impossible)).toEqual(['BAD_USER_INPUT']);
    expect(await counts()).toEqual(before);
  });

  it('is for agents and admins: requesters and analysts are refused', async () => {
    for (const client of [(await factory.user()).client, (await factory.analyst()).client]) {
      expect(errorCodes(await client.request(CreateAssetDocument, { input: { tag: uniqueTag(), name: 'x', kind: AssetKind.Hardware } }))).toEqual(['FORBIDDEN']);
    }
  });
});

describe('updateAsset and the lifecycle', () => {
  it('records every changed field with the actor, and refuses a stale version', async () => {
    const [first, second] = [await factory.user(), await factory.user()];
    const asset = await createAsset({ name: 'Old name', ownerId: first.id, status: AssetStatus.InUse });
    const { updateAsset } = await admin.client.data(UpdateAssetDocument, {
      input: { id: asset.id, expectedVersion: 1, name: 'New name', ownerId: second.id, location: 'Lyon', warrantyUntil: '2030-01-01', attributes: { color: 'black' } },
    });
    expect(updateAsset.userErrors).toEqual([]);
    expect(updateAsset.asset).toMatchObject({ name: 'New name', owner: { id: second.id }, location: 'Lyon', warrantyUntil: '2030-01-01', version: 2 });
    const { asset: detail } = await admin.client.data(AssetDetailDocument, { id: asset.id });
    expect(detail!.history.nodes.slice(1).map((entry) => [entry.field, entry.from, entry.to, entry.actor?.id])).toEqual([
      ['name', 'Old name', 'New name', admin.id],
      ['owner', first.id, second.id, admin.id],
      ['location', null, 'Lyon', admin.id],
      ['warrantyUntil', null, '2030-01-01', admin.id],
      ['attributes', {}, { color: 'black' }, admin.id],
    ]);
    const { updateAsset: stale } = await agent.client.data(UpdateAssetDocument, { input: { id: asset.id, expectedVersion: 1, name: 'Late' } });
    expect(stale).toMatchObject({ asset: null, userErrors: [{ field: ['input', 'expectedVersion'], code: 'STALE_VERSION' }] });
    const { updateAsset: cleared } = await agent.client.data(UpdateAssetDocument, { input: { id: asset.id, ownerId: null, location: null } });
    expect(cleared.asset).toMatchObject({ owner: null, location: null, version: 3 });
    const { updateAsset: taken } = await agent.client.data(UpdateAssetDocument, { input: { id: asset.id, tag: (await createAsset()).tag } });
    expect(taken.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'tag'], 'ALREADY_EXISTS']]);
  });

  it('applies concurrent edits that name no version one after the other, refusing none', async () => {
    const asset = await createAsset({ name: 'Busy asset' });
    const edits = await Promise.all(
      ['Lyon', 'Paris', 'Nantes', 'Lille', 'Brest', 'Metz'].map((location) => agent.client.data(UpdateAssetDocument, { input: { id: asset.id, location } })),
    );
    expect(edits.flatMap(({ updateAsset }) => updateAsset.userErrors)).toEqual([]);
    expect(edits.map(({ updateAsset }) => updateAsset.asset!.version).sort()).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('follows the lifecycle: RETIRED through retireAsset with a reason, DISPOSED for good', async () => {
    const asset = await createAsset({ status: AssetStatus.InUse });
    const move = (status: AssetStatus) => agent.client.data(UpdateAssetDocument, { input: { id: asset.id, status } });
    expect((await move(AssetStatus.InRepair)).updateAsset.asset?.status).toBe('IN_REPAIR');
    expect((await move(AssetStatus.Disposed)).updateAsset.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'status'], 'INVALID_TRANSITION']]);
    expect((await move(AssetStatus.Retired)).updateAsset.userErrors.map((error) => error.code)).toEqual(['INVALID_TRANSITION']);
    const { retireAsset: blank } = await agent.client.data(RetireAssetDocument, { input: { id: asset.id, reason: ' ' } });
    expect(blank.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'reason'], 'INVALID_INPUT']]);
    const { retireAsset } = await agent.client.data(RetireAssetDocument, { input: { id: asset.id, reason: 'Screen cracked beyond repair' } });
    expect(retireAsset.asset?.status).toBe('RETIRED');
    const { retireAsset: again } = await agent.client.data(RetireAssetDocument, { input: { id: asset.id, reason: 'twice' } });
    expect(again.userErrors.map((error) => error.code)).toEqual(['INVALID_TRANSITION']);
    expect((await move(AssetStatus.Disposed)).updateAsset.asset?.status).toBe('DISPOSED');
    const { updateAsset: frozen } = await agent.client.data(UpdateAssetDocument, { input: { id: asset.id, name: 'Still here?' } });
    expect(frozen.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'id'], 'NOT_ALLOWED']]);
    const history = (await agent.client.data(AssetDetailDocument, { id: asset.id })).asset!.history.nodes;
    expect(history.map((entry) => [entry.field, entry.from, entry.to])).toEqual([
      ['created', null, { kind: 'HARDWARE', status: 'IN_USE' }],
      ['status', 'IN_USE', 'IN_REPAIR'],
      ['status', 'IN_REPAIR', 'RETIRED'],
      ['retirement', null, { reason: 'Screen cracked beyond repair' }],
      ['status', 'RETIRED', 'DISPOSED'],
    ]);
  });

  it('keeps history append-only in the database itself', async () => {
    await createAsset();
    const em = server.orm.em.fork();
    await expect(em.execute(`update asset_history set field = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(em.execute('delete from asset_history')).rejects.toThrow(/append-only/);
  });
});

describe('attributes typed by kind', () => {
  const laptopSchema = {
    type: 'object',
    properties: {
      ram: { type: 'integer', minimum: 4, maximum: 512, description: 'GB' },
      cpu: { type: 'string', maxLength: 40 },
      os: { type: 'string', enum: ['linux', 'macos', 'windows'] },
      encrypted: { type: 'boolean' },
      leaseEnds: { type: 'string', format: 'date' },
    },
    required: ['ram'],
    additionalProperties: false,
  };

  it('lets admins set a schema that attributes are then checked against, and writes nothing on refusal', async () => {
    expect(errorCodes(await agent.client.request(SetAssetKindSchemaDocument, { input: { kind: AssetKind.VirtualMachine, schema: laptopSchema } }))).toEqual(['FORBIDDEN']);
    const { setAssetKindSchema: bad } = await admin.client.data(SetAssetKindSchemaDocument, {
      input: { kind: AssetKind.VirtualMachine, schema: { type: 'object', properties: { ram: { type: 'float' }, tags: { type: 'string', format: 'email' } }, oneOf: [] } },
    });
    expect(bad.userErrors.map((error) => [error.field, error.code])).toEqual([
      [['input', 'schema', 'oneOf'], 'INVALID_INPUT'],
      [['input', 'schema', 'properties', 'ram', 'type'], 'INVALID_INPUT'],
      [['input', 'schema', 'properties', 'tags', 'format'], 'INVALID_INPUT'],
    ]);
    const { setAssetKindSchema } = await admin.client.data(SetAssetKindSchemaDocument, { input: { kind: AssetKind.VirtualMachine, schema: laptopSchema } });
    expect(setAssetKindSchema).toMatchObject({ userErrors: [], assetKindSchema: { kind: 'VIRTUAL_MACHINE', schema: laptopSchema, version: 1 } });
    const schemas = (await agent.client.data(AssetKindSchemasDocument)).assetKindSchemas;
    expect(Object.fromEntries(schemas.map((schema) => [schema.kind, schema.version]))).toEqual(
      Object.fromEntries(Object.values(AssetKind).map((kind) => [kind, kind === AssetKind.VirtualMachine ? 1 : 0])),
    );

    const before = await counts();
    const { createAsset: invalid } = await agent.client.data(CreateAssetDocument, {
      input: { tag: uniqueTag('VM'), name: 'vm', kind: AssetKind.VirtualMachine, attributes: { ram: 2.5, os: 'beos', encrypted: 'yes', leaseEnds: '2025-13-01', gpu: true } },
    });
    expect(invalid.userErrors.map((error) => [error.field, error.code])).toEqual([
      [['input', 'attributes', 'ram'], 'INVALID_INPUT'],
      [['input', 'attributes', 'os'], 'INVALID_INPUT'],
      [['input', 'attributes', 'encrypted'], 'INVALID_INPUT'],
      [['input', 'attributes', 'leaseEnds'], 'INVALID_INPUT'],
      [['input', 'attributes', 'gpu'], 'INVALID_INPUT'],
    ]);
    const { createAsset: missing } = await agent.client.data(CreateAssetDocument, { input: { tag: uniqueTag('VM'), name: 'vm', kind: AssetKind.VirtualMachine } });
    expect(missing.userErrors).toEqual([expect.objectContaining({ field: ['input', 'attributes', 'ram'], code: 'INVALID_INPUT', message: 'ram is required.' })]);
    expect(await counts()).toEqual(before);

    const vm = await createAsset({ kind: AssetKind.VirtualMachine, attributes: { ram: 16, os: 'linux', encrypted: true, leaseEnds: '2027-01-31' } });
    expect(vm.attributes).toEqual({ ram: 16, os: 'linux', encrypted: true, leaseEnds: '2027-01-31' });
    // Changing the kind checks the attributes against the new kind's schema.
    const loose = await createAsset({ kind: AssetKind.Hardware, attributes: { colour: 'grey' } });
    const { updateAsset: rekind } = await agent.client.data(UpdateAssetDocument, { input: { id: loose.id, kind: AssetKind.VirtualMachine } });
    expect(rekind.userErrors.map((error) => error.field)).toEqual([['input', 'attributes', 'ram'], ['input', 'attributes', 'colour']]);
    const { updateAsset: fixed } = await agent.client.data(UpdateAssetDocument, { input: { id: loose.id, kind: AssetKind.VirtualMachine, attributes: { ram: 8 } } });
    expect(fixed.asset).toMatchObject({ kind: 'VIRTUAL_MACHINE', attributes: { ram: 8 } });

    const { setAssetKindSchema: stale } = await admin.client.data(SetAssetKindSchemaDocument, { input: { kind: AssetKind.VirtualMachine, schema: null, expectedVersion: 7 } });
    expect(stale.userErrors.map((error) => error.code)).toEqual(['STALE_VERSION']);
    const { setAssetKindSchema: removed } = await admin.client.data(SetAssetKindSchemaDocument, { input: { kind: AssetKind.VirtualMachine, schema: null, expectedVersion: 1 } });
    expect(removed.assetKindSchema).toMatchObject({ schema: null, version: 0 });
    await createAsset({ kind: AssetKind.VirtualMachine, attributes: { anything: ['goes'] } });
  });
});

describe('relations', () => {
  it('relates and unrelates, both ends keep it in their history, and bad input writes nothing', async () => {
    const app = await createAsset({ tag: uniqueTag('APP'), kind: AssetKind.Software });
    const db = await createAsset({ tag: uniqueTag('DB'), kind: AssetKind.Service });
    const licence = await createAsset({ tag: uniqueTag('LIC'), kind: AssetKind.License });
    const retired = await createAsset();
    await agent.client.data(RetireAssetDocument, { input: { id: retired.id, reason: 'old' } });
    const relation = await relate(app.id, db.id);
    expect(relation).toMatchObject({ kind: 'DEPENDS_ON', source: { id: app.id }, target: { id: db.id } });
    await relate(licence.id, app.id, AssetRelationKind.LicensedTo);
    expect((await agent.client.data(AssetDocument, { id: app.id })).asset!.relations).toEqual([
      expect.objectContaining({ kind: 'DEPENDS_ON', target: { id: db.id, tag: db.tag }, source: { id: app.id, tag: app.tag } }),
    ]);

    const unknown = Buffer.from('Asset:00000000-0000-4000-8000-000000000000').toString('base64url');
    const before = await counts();
    const refusals: [string, string, AssetRelationKind, string[], string][] = [
      [app.id, app.id, AssetRelationKind.DependsOn, ['input', 'toId'], 'INVALID_INPUT'],
      [app.id, db.id, AssetRelationKind.DependsOn, ['input', 'kind'], 'ALREADY_EXISTS'],
      [app.id, unknown, AssetRelationKind.DependsOn, ['input', 'toId'], 'NOT_FOUND'],
      ['garbage', db.id, AssetRelationKind.DependsOn, ['input', 'fromId'], 'NOT_FOUND'],
      [db.id, app.id, AssetRelationKind.LicensedTo, ['input', 'kind'], 'INVALID_INPUT'],
      [app.id, retired.id, AssetRelationKind.RunsOn, ['input', 'toId'], 'NOT_ALLOWED'],
    ];
    for (const [fromId, toId, kind, field, code] of refusals) {
      const { relateAssets } = await agent.client.data(RelateAssetsDocument, { input: { fromId, toId, kind } });
      expect({ fromId, toId, errors: relateAssets.userErrors.map((error) => [error.field, error.code]) }).toEqual({ fromId, toId, errors: [[field, code]] });
    }
    const { unrelateAssets: missing } = await agent.client.data(UnrelateAssetsDocument, { input: { fromId: db.id, toId: app.id, kind: AssetRelationKind.DependsOn } });
    expect(missing.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'kind'], 'NOT_FOUND']]);
    expect(await counts()).toEqual(before);

    const { unrelateAssets } = await agent.client.data(UnrelateAssetsDocument, { input: { fromId: app.id, toId: db.id, kind: AssetRelationKind.DependsOn } });
    expect(unrelateAssets.asset).toMatchObject({ id: app.id, relations: [] });
    const historyOf = async (id: string) => (await agent.client.data(AssetDetailDocument, { id })).asset!.history.nodes.filter((entry) => entry.field === 'relation');
    expect((await historyOf(app.id)).map((entry) => [entry.from, entry.to])).toEqual([
      [null, { kind: 'DEPENDS_ON', direction: 'OUTGOING', asset: db.id }],
      [null, { kind: 'LICENSED_TO', direction: 'INCOMING', asset: licence.id }],
      [{ kind: 'DEPENDS_ON', direction: 'OUTGOING', asset: db.id }, null],
    ]);
    expect((await historyOf(db.id)).map((entry) => [entry.from, entry.to])).toEqual([
      [null, { kind: 'DEPENDS_ON', direction: 'INCOMING', asset: app.id }],
      [{ kind: 'DEPENDS_ON', direction: 'INCOMING', asset: app.id }, null],
    ]);
  });
});

describe('assetImpact', () => {
  /**
   *   laptop ─CONNECTED_TO─▶ switch ─DEPENDS_ON─▶ core ◀─RUNS_ON─ vm ◀─RUNS_ON─ app ◀─DEPENDS_ON─ portal
   *                                                 ▲                            │
   *                                                 └──────── DEPENDS_ON ────────┘ (a cycle: core needs app, app needs vm needs core)
   *   licence ─LICENSED_TO─▶ core (no dependency); old ─RUNS_ON─▶ core but RETIRED; far: a chain of 4 from portal
   */
  async function graph() {
    const [alice, bob, gone] = [await factory.user({ name: 'Alice Impact' }), await factory.user({ name: 'Bob Impact' }), await factory.user({ name: 'Gone Impact' })];
    const make = (prefix: string, input: Partial<CreateAssetInput> = {}) => createAsset({ tag: uniqueTag(prefix), ...input });
    const core = await make('CORE', { kind: AssetKind.Service });
    const vm = await make('VM', { kind: AssetKind.VirtualMachine });
    const app = await make('APP', { kind: AssetKind.Software });
    const portal = await make('PORTAL', { kind: AssetKind.Service, ownerId: bob.id });
    const network = await make('SWITCH', { kind: AssetKind.Network });
    const laptop = await make('LAPTOP', { ownerId: alice.id });
    const second = await make('LAPTOP', { ownerId: gone.id });
    const licence = await make('LIC', { kind: AssetKind.License });
    const old = await make('OLD', { kind: AssetKind.VirtualMachine, ownerId: alice.id });
    await relate(vm.id, core.id, AssetRelationKind.RunsOn);
    await relate(app.id, vm.id, AssetRelationKind.RunsOn);
    await relate(portal.id, app.id);
    await relate(core.id, app.id); // the cycle
    await relate(network.id, core.id);
    await relate(laptop.id, network.id, AssetRelationKind.ConnectedTo);
    await relate(second.id, network.id, AssetRelationKind.ConnectedTo);
    await relate(laptop.id, app.id, AssetRelationKind.InstalledOn); // a second, longer path to laptop
    await relate(licence.id, core.id, AssetRelationKind.LicensedTo);
    await relate(old.id, core.id, AssetRelationKind.RunsOn);
    await agent.client.data(RetireAssetDocument, { input: { id: old.id, reason: 'decommissioned' } });
    await server.orm.em.fork().execute('update users set active = false where id = ?', [gone.user.id]);
    const chain = [portal];
    for (let index = 0; index < 4; index += 1) {
      const next = await make('FAR');
      await relate(next.id, chain[chain.length - 1].id);
      chain.push(next);
    }
    return { alice, bob, core, vm, app, portal, network, laptop, second, licence, old, far: chain.slice(1) };
  }

  it('finds everything that needs the asset through chains and cycles, with owners and open tickets, in one recursive query', async () => {
    const g = await graph();
    const urgent = await openTicket(agent.client, { assetIds: [g.portal.id], impact: 'HIGH' as never, urgency: 'HIGH' as never, title: 'Portal down' });
    const minor = await openTicket(agent.client, { assetIds: [g.laptop.id, g.app.id], impact: 'LOW' as never, urgency: 'LOW' as never });
    const done = await openTicket(agent.client, { assetIds: [g.vm.id] });
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: done.id, status: TicketStatus.Resolved, resolution: 'rebooted' } });
    await openTicket(agent.client, { assetIds: [g.core.id], title: 'On the root itself: not a dependant' });

    let response: AssetImpactQuery | undefined;
    const { statements } = await countStatements(server.orm, async () => {
      response = await agent.client.data(AssetImpactDocument, { id: g.core.id, first: 100 });
    });
    expect(statements.filter((sql) => /with recursive/i.test(sql))).toHaveLength(1);
    const impact = response!.assetImpact!;
    expect(impact).toMatchObject({ maxDepth: 10, depthLimited: false, asset: { id: g.core.id } });
    const depths = Object.fromEntries(impact.affectedAssets.edges.map((edge) => [edge.node.id, edge.depth]));
    expect(depths).toEqual({
      [g.vm.id]: 1,
      [g.network.id]: 1,
      [g.app.id]: 2,
      [g.laptop.id]: 2,
      [g.second.id]: 2,
      [g.portal.id]: 3,
      [g.far[0].id]: 4,
      [g.far[1].id]: 5,
      [g.far[2].id]: 6,
      [g.far[3].id]: 7,
    });
    expect(impact.affectedAssets.totalCount).toBe(10);
    // Nearest first, then by tag.
    expect(impact.affectedAssets.edges.map((edge) => edge.depth)).toEqual([...impact.affectedAssets.edges.map((edge) => edge.depth)].sort((a, b) => a - b));
    // Owners to warn: active ones only (the retired VM's owner Alice is there for her laptop).
    expect(impact.affectedUsers.nodes.map((user) => user.name)).toEqual(['Alice Impact', 'Bob Impact']);
    expect(impact.openTickets.nodes.map((ticket) => ticket.id)).toEqual([urgent.id, minor.id]);
    expect(impact.openTickets.totalCount).toBe(2);
  });

  it('caps the depth, says when the cap cut something, and pages by cursor', async () => {
    const g = await graph();
    const capped = (await agent.client.data(AssetImpactDocument, { id: g.core.id, maxDepth: 3, first: 100 })).assetImpact!;
    expect(capped).toMatchObject({ maxDepth: 3, depthLimited: true });
    expect(capped.affectedAssets.edges.every((edge) => edge.depth <= 3)).toBe(true);
    expect(capped.affectedAssets.totalCount).toBe(6);

    const seen: string[] = [];
    let after: string | null | undefined;
    for (let page = 0; page < 5; page += 1) {
      const { affectedAssets } = (await agent.client.data(AssetImpactDocument, { id: g.core.id, first: 3, after }))!.assetImpact!;
      seen.push(...affectedAssets.edges.map((edge) => edge.node.id));
      if (!affectedAssets.pageInfo.hasNextPage) break;
      after = affectedAssets.pageInfo.endCursor;
    }
    const all = (await agent.client.data(AssetImpactDocument, { id: g.core.id, first: 100 })).assetImpact!.affectedAssets;
    expect(seen).toEqual(all.edges.map((edge) => edge.node.id));
    const tail = (await agent.client.data(AssetImpactDocument, { id: g.core.id, last: 2, before: all.edges[5].cursor })).assetImpact!.affectedAssets;
    expect(tail.edges.map((edge) => edge.node.id)).toEqual([all.edges[3].node.id, all.edges[4].node.id]);

    // A leaf needs nothing: nothing depends on it.
    const leaf = (await agent.client.data(AssetImpactDocument, { id: g.far[3].id })).assetImpact!;
    expect(leaf.affectedAssets.totalCount).toBe(0);
    expect(errorCodes(await agent.client.request(AssetImpactDocument, { id: g.core.id, maxDepth: 0 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await agent.client.request(AssetImpactDocument, { id: g.core.id, first: 101 }))).toEqual(['BAD_USER_INPUT']);
    expect((await agent.client.data(AssetImpactDocument, { id: 'nonsense' })).assetImpact).toBeNull();
  });

  it('agrees with a breadth-first search in memory on a random graph full of cycles', async () => {
    // A seeded generator: the same graph every run.
    let state = 20261121;
    const random = (below: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % below;
    };
    const service = new AssetsService({ em: server.orm.em.fork(), viewer: null });
    const assets: Asset[] = [];
    for (let index = 0; index < 40; index += 1) {
      assets.push(await service.createAsset({ tag: uniqueTag('RND'), name: `Random ${index}`, kind: index % 7 === 0 ? Kind.LICENSE : Kind.SERVICE }));
    }
    const kinds = Object.values(AssetRelationKind);
    const edges: { from: number; to: number; kind: AssetRelationKind }[] = [];
    while (edges.length < 110) {
      const [from, to, kind] = [random(40), random(40), kinds[random(kinds.length)]];
      if (from === to || (kind === AssetRelationKind.LicensedTo && assets[from].kind !== Kind.LICENSE)) continue;
      if (edges.some((edge) => edge.from === from && edge.to === to && edge.kind === kind)) continue;
      await service.relateAssets({ fromId: assets[from].id, toId: assets[to].id, kind: kind as never });
      edges.push({ from, to, kind });
    }
    const retired = new Set([3, 17, 29]);
    for (const index of retired) await service.retireAsset({ id: assets[index].id, reason: 'random' });

    /** Shortest distance of every asset needing `root`, as the contract defines it. */
    const bfs = (root: number) => {
      const depth = new Map<number, number>();
      let frontier = [root];
      for (let level = 1; frontier.length; level += 1) {
        const next: number[] = [];
        for (const needed of frontier) {
          for (const edge of edges) {
            if (edge.to !== needed || edge.kind === AssetRelationKind.LicensedTo || retired.has(edge.from) || edge.from === root || depth.has(edge.from)) continue;
            depth.set(edge.from, level);
            next.push(edge.from);
          }
        }
        frontier = next;
      }
      return depth;
    };
    for (const root of [0, 1, 5, 12, 23, 38]) {
      const expected = bfs(root);
      for (const maxDepth of [2, 10]) {
        const impact = (await agent.client.data(AssetImpactDocument, { id: toGlobalId('Asset', assets[root].id), maxDepth, first: 100 })).assetImpact!;
        const found = Object.fromEntries(impact.affectedAssets.edges.map((edge) => [edge.node.tag, edge.depth]));
        const within = Object.fromEntries([...expected].filter(([, depth]) => depth <= maxDepth).map(([index, depth]) => [assets[index].tag, depth]));
        expect({ root, maxDepth, found }).toEqual({ root, maxDepth, found: within });
        expect(impact.depthLimited).toBe([...expected.values()].some((depth) => depth > maxDepth));
      }
    }
  });
});

describe('tickets of an asset', () => {
  it('lists the tickets linked to the asset that the viewer may see, newest first', async () => {
    const owner = await factory.user();
    const other = await factory.user();
    const laptop = await createAsset({ ownerId: owner.id });
    const mine = await openTicket(owner.client, { assetIds: [laptop.id], title: 'My laptop is slow' });
    const theirs = await openTicket(agent.client, { requesterId: other.id, assetIds: [laptop.id], title: 'Someone else about that laptop' });
    const staffView = (await agent.client.data(AssetDetailDocument, { id: laptop.id, first: 1 })).asset!.tickets;
    expect(staffView).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true }, nodes: [{ id: theirs.id }] });
    const next = (await agent.client.data(AssetDetailDocument, { id: laptop.id, first: 1, after: staffView.pageInfo.endCursor })).asset!.tickets;
    expect(next.nodes.map((ticket) => ticket.id)).toEqual([mine.id]);
    const ownerView = (await owner.client.data(AssetDetailDocument, { id: laptop.id })).asset!.tickets;
    expect(ownerView).toMatchObject({ totalCount: 1, nodes: [{ id: mine.id }] });
  });
});

describe('visibility', () => {
  it('shows a requester only the assets they own, by every path', async () => {
    const owner = await factory.user();
    const stranger = await factory.user();
    const own = await createAsset({ tag: uniqueTag('OWN'), ownerId: owner.id, serialNumber: 'SN-VISIBLE' });
    const foreign = await createAsset({ tag: uniqueTag('FOREIGN'), ownerId: stranger.id, serialNumber: 'SN-VISIBLE' });
    const shared = await createAsset({ tag: uniqueTag('SHARED') });
    await relate(own.id, shared.id, AssetRelationKind.ConnectedTo);

    const listed = await owner.client.data(AssetsDocument, { filter: { text: 'sn-visible' } });
    expect(listed.assets).toMatchObject({ totalCount: 1, nodes: [{ id: own.id }] });
    expect((await owner.client.data(AssetsDocument, {})).assets.nodes.map((asset) => asset.id)).toEqual([own.id]);
    expect((await owner.client.data(AssetDocument, { id: foreign.id })).asset).toBeNull();
    expect((await owner.client.data(AssetDocument, { tag: foreign.tag })).asset).toBeNull();
    expect((await owner.client.data(AssetNodeDocument, { id: foreign.id })).node).toBeNull();
    // Its relation points at an asset the requester does not own: hidden.
    expect((await owner.client.data(AssetDocument, { id: own.id })).asset!.relations).toEqual([]);
    expect(errorCodes(await owner.client.request(AssetImpactDocument, { id: own.id }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await owner.client.request(UpdateAssetDocument, { input: { id: own.id, name: 'mine' } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await owner.client.request(RelateAssetsDocument, { input: { fromId: own.id, toId: shared.id, kind: AssetRelationKind.DependsOn } }))).toEqual(['FORBIDDEN']);
    // Staff see everything; analysts read it.
    const analyst = await factory.analyst();
    expect((await analyst.client.data(AssetsDocument, { filter: { text: 'SN-VISIBLE' } })).assets.totalCount).toBe(2);
    expect((await analyst.client.data(AssetImpactDocument, { id: shared.id })).assetImpact!.affectedAssets.totalCount).toBe(1);
    expect(errorCodes(await factory.anonymous.request(AssetsDocument, {}))).toEqual(['UNAUTHENTICATED']);
  });

  it('filters by kind, status and owner, and pages by tag', async () => {
    const owner = await factory.user();
    const tags = ['FLT-A', 'FLT-B', 'FLT-C'].map((tag) => `${tag}-${randomBytes(2).toString('hex')}`);
    await createAsset({ tag: tags[0], kind: AssetKind.Network, ownerId: owner.id, status: AssetStatus.InUse });
    await createAsset({ tag: tags[1], kind: AssetKind.Network, ownerId: owner.id });
    await createAsset({ tag: tags[2], kind: AssetKind.Software, ownerId: owner.id });
    const byOwner = (await agent.client.data(AssetsDocument, { filter: { ownerIds: [owner.id] }, first: 2 })).assets;
    expect(byOwner).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    expect(byOwner.nodes.map((asset) => asset.tag)).toEqual(tags.slice(0, 2));
    const rest = (await agent.client.data(AssetsDocument, { filter: { ownerIds: [owner.id] }, first: 2, after: byOwner.pageInfo.endCursor })).assets;
    expect(rest.nodes.map((asset) => asset.tag)).toEqual([tags[2]]);
    const filtered = (await agent.client.data(AssetsDocument, { filter: { ownerIds: [owner.id], kinds: [AssetKind.Network], statuses: [AssetStatus.InStock] } })).assets;
    expect(filtered.nodes.map((asset) => asset.tag)).toEqual([tags[1]]);
    expect((await agent.client.data(AssetsDocument, { filter: { ownerIds: ['not-an-id'] } })).assets.totalCount).toBe(0);
  });
});

describe('problems', () => {
  it('resolves a problem and its open incidents in one mutation, each with its own history and event', async () => {
    const requester = await factory.user();
    const problem = await openTicket(agent.client, { type: TicketType.Problem, title: 'Memory leak in the mail relay' });
    const incidents = [await openTicket(requester.client, { title: 'Mail slow' }), await openTicket(requester.client, { title: 'Mail bounced' })];
    const closed = await openTicket(requester.client, { title: 'Mail gone (cancelled)' });
    const request = await openTicket(requester.client, { type: TicketType.ServiceRequest, title: 'New mailbox' });
    const unrelated = await openTicket(requester.client, { title: 'Printer' });
    for (const ticket of [...incidents, closed, request]) {
      const { linkTickets } = await agent.client.data(LinkTicketsDocument, { input: { fromId: ticket.id, toId: problem.id, kind: TicketLinkKind.CausedBy } });
      expect(linkTickets.userErrors).toEqual([]);
    }
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: closed.id, status: TicketStatus.Cancelled } });
    await agent.client.data(ChangeTicketStatusDocument, { input: { id: incidents[1].id, status: TicketStatus.Pending } });

    const events = await count('events');
    const { resolveProblem } = await agent.client.data(ResolveProblemDocument, { input: { id: problem.id, resolution: 'Patched the relay', resolveIncidents: true } });
    expect(resolveProblem.userErrors).toEqual([]);
    expect(resolveProblem.ticket).toMatchObject({ id: problem.id, status: 'RESOLVED', resolution: 'Patched the relay' });
    expect(resolveProblem.resolvedIncidents!.map((ticket) => [ticket.id, ticket.status, ticket.resolution])).toEqual(
      incidents.map((incident) => [incident.id, 'RESOLVED', `Resolved with problem ${problem.key}: Patched the relay`]),
    );
    expect(await count('events')).toBeGreaterThanOrEqual(events + 3);
    for (const ticket of [closed, request, unrelated]) {
      expect((await agent.client.data(ChangeTicketDocument, { id: ticket.id })).ticket!.status).not.toBe('RESOLVED');
    }
    const history = (await requester.client.data(ChangeTicketDocument, { id: incidents[0].id })).ticket!.history.nodes;
    expect(history.filter((entry) => entry.field === 'status')).toEqual([{ field: 'status', from: 'NEW', to: 'RESOLVED', actor: { id: agent.id } }]);
  });

  it('resolves only the problem without the flag, and refuses the rest writing nothing', async () => {
    const problem = await openTicket(agent.client, { type: TicketType.Problem });
    const incident = await openTicket(agent.client);
    await agent.client.data(LinkTicketsDocument, { input: { fromId: incident.id, toId: problem.id, kind: TicketLinkKind.CausedBy } });
    const before = await count('ticket_history');
    const refusals: [Record<string, unknown>, string[], string][] = [
      [{ id: incident.id, resolution: 'x' }, ['input', 'id'], 'INVALID_INPUT'],
      [{ id: problem.id, resolution: 'x', expectedVersion: 9, resolveIncidents: true }, ['input', 'expectedVersion'], 'STALE_VERSION'],
      [{ id: problem.id, resolution: '  ', resolveIncidents: true }, ['input', 'resolution'], 'INVALID_INPUT'],
      [{ id: 'nope', resolution: 'x' }, ['input', 'id'], 'NOT_FOUND'],
    ];
    for (const [input, field, code] of refusals) {
      const { resolveProblem } = await agent.client.data(ResolveProblemDocument, { input: input as never });
      expect(resolveProblem).toMatchObject({ ticket: null, resolvedIncidents: null });
      expect(resolveProblem.userErrors[0]).toMatchObject({ field, code });
    }
    expect(await count('ticket_history')).toBe(before);
    const { resolveProblem } = await agent.client.data(ResolveProblemDocument, { input: { id: problem.id, resolution: 'Root cause fixed' } });
    expect(resolveProblem).toMatchObject({ ticket: { status: 'RESOLVED' }, resolvedIncidents: [] });
    expect((await agent.client.data(ChangeTicketDocument, { id: incident.id })).ticket!.status).toBe('NEW');
    expect(errorCodes(await (await factory.user()).client.request(ResolveProblemDocument, { input: { id: problem.id, resolution: 'x' } }))).toEqual(['FORBIDDEN']);
  });
});

describe('changes', () => {
  const window = { start: '2026-12-05T22:00:00.000Z', end: '2026-12-06T02:00:00.000Z' };

  it('is resolved only once approved by one of the named approvers; the first decision stands', async () => {
    const [cab1, cab2, outsider] = [await factory.agent({ name: 'Approver One' }), await factory.admin({ name: 'Approver Two' }), await factory.agent()];
    const change = await openTicket(agent.client, { type: TicketType.Change, title: 'Upgrade the core switch' });
    const resolve = () => agent.client.data(ChangeTicketStatusDocument, { input: { id: change.id, status: TicketStatus.Resolved, resolution: 'Upgraded' } });
    expect((await resolve()).changeTicketStatus.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'status'], 'NOT_ALLOWED']]);

    const { requestChangeApproval } = await agent.client.data(RequestChangeApprovalDocument, { input: { id: change.id, approverIds: [cab1.id, cab2.id], window } });
    expect(requestChangeApproval.userErrors).toEqual([]);
    expect(requestChangeApproval.ticket).toMatchObject({ approval: { status: 'REQUESTED' }, window });
    expect((await resolve()).changeTicketStatus.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);

    const { decideChange: notAnApprover } = await outsider.client.data(DecideChangeDocument, { input: { id: change.id, approve: true } });
    expect(notAnApprover.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'id'], 'NOT_ALLOWED']]);
    const { decideChange: rejected } = await cab1.client.data(DecideChangeDocument, { input: { id: change.id, approve: false, comment: 'No rollback plan' } });
    expect(rejected.ticket!.approval).toMatchObject({ status: 'REJECTED', comment: 'No rollback plan', decidedBy: { id: cab1.id }, decidedAt: expect.any(String) });
    const { decideChange: late } = await cab2.client.data(DecideChangeDocument, { input: { id: change.id, approve: true } });
    expect(late.userErrors.map((error) => [error.field, error.code])).toEqual([[['input', 'approve'], 'NOT_ALLOWED']]);
    expect((await resolve()).changeTicketStatus.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);

    // A new round after the rejection: both approvers decide at once, exactly one decision counts.
    await agent.client.data(RequestChangeApprovalDocument, { input: { id: change.id, approverIds: [cab1.id, cab2.id], window: { start: window.start, end: '2026-12-06T04:00:00.000Z' } } });
    const raced = await Promise.all([cab1, cab2].map((approver) => approver.client.data(DecideChangeDocument, { input: { id: change.id, approve: true } })));
    expect(raced.map((result) => result.decideChange.userErrors.length).sort()).toEqual([0, 1]);
    const winner = raced.find((result) => result.decideChange.userErrors.length === 0)!.decideChange.ticket!.approval!.decidedBy!.id;

    const { ticket } = await agent.client.data(ChangeTicketDocument, { id: change.id });
    expect(ticket!.approval).toMatchObject({ status: 'APPROVED', decidedBy: { id: winner }, requestedBy: { id: agent.id } });
    expect(ticket!.approval!.approvers.map((user) => user.id).sort()).toEqual([cab1.id, cab2.id].sort());
    expect(ticket!.window).toEqual({ start: window.start, end: '2026-12-06T04:00:00.000Z' });
    expect(ticket!.history.nodes.filter((entry) => ['approval', 'window'].includes(entry.field)).map((entry) => [entry.field, (entry.to as { status?: string })?.status ?? entry.to])).toEqual([
      ['approval', 'REQUESTED'],
      ['window', window],
      ['approval', 'REJECTED'],
      ['approval', 'REQUESTED'],
      ['window', { start: window.start, end: '2026-12-06T04:00:00.000Z' }],
      ['approval', 'APPROVED'],
    ]);
    const { requestChangeApproval: settled } = await agent.client.data(RequestChangeApprovalDocument, { input: { id: change.id, approverIds: [cab1.id], window } });
    expect(settled.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);
    expect((await resolve()).changeTicketStatus.ticket?.status).toBe('RESOLVED');
  });

  it('refuses approval requests that cannot work, writing nothing', async () => {
    const change = await openTicket(agent.client, { type: TicketType.Change });
    const incident = await openTicket(agent.client);
    const [cab, requester] = [await factory.agent(), await factory.user()];
    const before = await count('change_approvals');
    const refusals: [Record<string, unknown>, string[], string][] = [
      [{ id: incident.id, approverIds: [cab.id], window }, ['input', 'id'], 'INVALID_INPUT'],
      [{ id: change.id, approverIds: [], window }, ['input', 'approverIds'], 'INVALID_INPUT'],
      [{ id: change.id, approverIds: [cab.id], window: { start: window.end, end: window.start } }, ['input', 'window', 'end'], 'INVALID_INPUT'],
      [{ id: change.id, approverIds: [cab.id, requester.id], window }, ['input', 'approverIds', '1'], 'INVALID_INPUT'],
      [{ id: change.id, approverIds: [agent.id], window }, ['input', 'approverIds', '0'], 'NOT_ALLOWED'],
      [{ id: change.id, approverIds: [change.id], window }, ['input', 'approverIds', '0'], 'NOT_FOUND'],
    ];
    for (const [input, field, code] of refusals) {
      const { requestChangeApproval } = await agent.client.data(RequestChangeApprovalDocument, { input: input as never });
      expect({ input, errors: requestChangeApproval.userErrors.map((error) => [error.field, error.code]) }).toEqual({ input, errors: [[field, code]] });
    }
    const { decideChange } = await cab.client.data(DecideChangeDocument, { input: { id: change.id, approve: true } });
    expect(decideChange.userErrors.map((error) => error.code)).toEqual(['NOT_ALLOWED']);
    expect(await count('change_approvals')).toBe(before);
    expect((await agent.client.data(ChangeTicketDocument, { id: incident.id })).ticket).toMatchObject({ approval: null, window: null });
  });
});
