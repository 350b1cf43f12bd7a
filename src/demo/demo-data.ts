import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from '../auth/passwords';
import { Role } from '../auth/roles';
import type { Viewer } from '../auth/viewer';
import { AssetKind, AssetStatus } from '../modules/assets/assets.enums';
import { AssetsService } from '../modules/assets/assets.service';
import { ChangesService } from '../modules/assets/changes.service';
import { Channel, Impact, Priority, TicketLinkKind, TicketStatus, TicketType, Urgency } from '../modules/tickets/tickets.enums';
import { TicketsService } from '../modules/tickets/tickets.service';
import { GroupsService } from '../modules/users/groups.service';
import { OrganizationsService } from '../modules/users/organizations.service';
import { loadViewer } from '../modules/users/session.service';
import { User } from '../modules/users/users.entities';
import { UsersService } from '../modules/users/users.service';
import {
  CHANGE_SCENARIOS,
  type GroupName,
  type Language,
  MONITORING_SCENARIOS,
  PHRASES,
  PROBLEM_SCENARIOS,
  REQUEST_SCENARIOS,
  type Scenario,
  type Theme,
} from './demo-catalog';
import { DemoClock } from './demo-clock';
import { Random } from './random';

/** Every demo account logs in with this password (listed in the README). */
export const DEMO_PASSWORD = 'deskgraph-demo';

export const DEMO_ACCOUNTS = [
  { email: 'admin@deskgraph.local', name: 'Ada Admin', role: Role.ADMIN, groups: ['Service Desk'] },
  { email: 'agent@deskgraph.local', name: 'Sam Agent', role: Role.AGENT, groups: ['Service Desk'] },
  { email: 'network@deskgraph.local', name: 'Noor Network', role: Role.AGENT, groups: ['Network Operations'] },
  { email: 'infra@deskgraph.local', name: 'Ines Infra', role: Role.AGENT, groups: ['Infrastructure'] },
  { email: 'analyst@deskgraph.local', name: 'Ana Analyst', role: Role.ANALYST, groups: [] },
  { email: 'alice@acme.example', name: 'Alice Martin', role: Role.REQUESTER, organization: 'Acme', groups: [] },
  { email: 'bob@acme.example', name: 'Bob Dupont', role: Role.REQUESTER, organization: 'Acme', groups: [] },
  { email: 'chloe@globex.example', name: 'Chloé Leroy', role: Role.REQUESTER, organization: 'Globex', groups: [] },
] as const;

/** More people of the two organizations, so the desk has a crowd; same password as the demo accounts. */
export const DEMO_REQUESTERS = [
  { email: 'camille@acme.example', name: 'Camille Bernard', organization: 'Acme', locale: 'fr' },
  { email: 'david@acme.example', name: 'David Chen', organization: 'Acme', locale: 'en' },
  { email: 'emilie@acme.example', name: 'Émilie Rousseau', organization: 'Acme', locale: 'fr' },
  { email: 'frank@acme.example', name: 'Frank Miller', organization: 'Acme', locale: 'en' },
  { email: 'hugo@globex.example', name: 'Hugo Lefèvre', organization: 'Globex', locale: 'fr' },
  { email: 'priya@globex.example', name: 'Priya Nair', organization: 'Globex', locale: 'en' },
  { email: 'tom@globex.example', name: 'Tom Walker', organization: 'Globex', locale: 'en' },
  { email: 'lea@globex.example', name: 'Léa Girard', organization: 'Globex', locale: 'fr' },
] as const;

/** How many tickets the demo desk has, and over how many days before the load they were opened. */
export const DEMO_TICKETS = 200;
const DEMO_DAYS = 60;
const SEED = 20261121;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Person {
  id: string;
  email: string;
  name: string;
  role: Role;
  language: Language;
  viewer: Viewer;
}

/** An asset the demo tickets may mention: the requester's own laptop or phone, a printer, a server. */
interface DemoAsset {
  id: string;
  kind: 'laptop' | 'phone' | 'printer' | 'server';
  ownerEmail: string | null;
  theme?: Theme;
}

interface Plan {
  scenario: Scenario;
  title: string;
  requester: Person;
  /** Who opens it: the requester on the portal, or an agent (a call, an alert, a problem, a change). */
  opener: Person;
  channel: Channel;
  impact: Impact;
  urgency: Urgency;
  createdAt: number;
  status: TicketStatus;
}

/** A planned ticket, its database id once created, and the unit of work its commands share. */
interface Handle {
  plan: Plan;
  id?: string;
  session?: Session;
  /** Until when a problem is open, for incidents linked to it later. */
  openUntil: number;
  linkedToProblem: boolean;
}

interface Session {
  em: EntityManager;
  clock: DemoClock;
}

/** One step of a ticket's life, `after` minutes after the previous one; `others`: tickets it also touches. */
interface Step {
  after: number;
  run: Run;
  others?: Handle[];
}

/** A command: in `em`, at `time`; `clock.named` for the dates it names itself. */
type Run = (em: EntityManager, clock: DemoClock, time: number) => Promise<unknown>;

/** One command of the demo, played at `time` (ms) on the tickets it touches. */
interface Command {
  time: number;
  order: number;
  tickets: Handle[];
  run: Run;
}

/**
 * The demo desk: three tiers of groups, two organizations, staff and requesters, some assets, and
 * about three hundred tickets of the last two months in every state, opened by requesters and worked
 * by agents through the real services (rules, history and events apply), in French and English.
 *
 * Deterministic: a seeded generator decides every ticket and every command before any runs; only
 * the dates follow the moment of loading. Commands are then played one by one in the order of their
 * (past) times, with the services' timestamps moved back to that time (DemoClock), so numbers,
 * history and events follow the story. One transaction: a failure leaves an empty database.
 *
 * Cost: about 1,600 service commands; each is a few statements and several milliseconds of ORM work
 * on a small machine, which is what the load's time is made of.
 */
export async function loadDemoData(em: EntityManager): Promise<void> {
  const now = Date.now();
  await em.transactional((tx) => new DemoDesk(tx, now).load());
}

class DemoDesk {
  private readonly rng = new Random(SEED);
  private readonly people = new Map<string, Person>();
  private readonly groupIds = new Map<GroupName, string>();
  private readonly assets: DemoAsset[] = [];

  constructor(
    private readonly tx: EntityManager,
    private readonly now: number,
  ) {}

  async load(): Promise<void> {
    // scrypt costs ~80 ms a hash: one hash of the demo password, computed while the directory is
    // created, serves every demo account.
    const hash = hashPassword(DEMO_PASSWORD);
    hash.catch(() => undefined);
    await this.createDirectory();
    await this.tx.nativeUpdate(User, { id: { $in: [...this.people.values()].map((person) => person.id) } }, { passwordHash: await hash });
    await this.createAssets();
    await this.play(this.commands());
    // Commenting refreshes a ticket's updatedAt with plain SQL, which the clock does not see: set it
    // from the ticket's last history entry (the history itself is append-only and already right).
    await this.tx.execute(
      `update tickets t set updated_at = h.last_at
         from (select ticket_id, max(at) as last_at from ticket_history group by ticket_id) h
        where h.ticket_id = t.id and t.updated_at <> h.last_at`,
    );
  }

  /** Runs `work` in a unit of work of the load's transaction (a new one by default) as if at `time`, then flushes. */
  private async at<T>(
    time: number,
    work: (em: EntityManager, clock: DemoClock, time: number) => Promise<T>,
    session: Session = DemoClock.fork(this.tx, this.now),
  ): Promise<T> {
    session.clock.set(time);
    const result = await work(session.em, session.clock, time);
    // The services flush what they write (their event log append does); this is for anything left.
    await session.em.flush();
    return result;
  }

  // --- People, groups, organizations, assets ---

  private async createDirectory(): Promise<void> {
    const time = this.now - (DEMO_DAYS + 30) * DAY;
    const organizationIds = await this.at(time, async (em) => {
      const organizations = new OrganizationsService({ em, viewer: null });
      const acme = await organizations.createOrganization({ name: 'Acme', domain: 'acme.example', shareTickets: true });
      const globex = await organizations.createOrganization({ name: 'Globex', domain: 'globex.example', shareTickets: false });
      return { Acme: acme.id, Globex: globex.id } as Record<string, string>;
    });
    await this.at(time, async (em) => {
      const groups = new GroupsService({ em, viewer: null });
      const tiers: { name: GroupName; description: string; tier: number }[] = [
        { name: 'Service Desk', description: 'First line: every new ticket lands here.', tier: 1 },
        { name: 'Network Operations', description: 'Second line: network, VPN, Wi-Fi.', tier: 2 },
        { name: 'Infrastructure', description: 'Third line: servers, storage, identity.', tier: 3 },
      ];
      for (const tier of tiers) this.groupIds.set(tier.name, (await groups.createGroup(tier)).id);
    });
    const accounts = [
      ...DEMO_ACCOUNTS.map((account) => ({
        email: account.email,
        name: account.name,
        role: account.role as Role,
        organizationId: 'organization' in account ? organizationIds[account.organization] : undefined,
        groupIds: account.groups.map((name) => this.groupIds.get(name)!),
        locale: (account.role === Role.REQUESTER ? 'fr' : 'en') as Language,
      })),
      ...DEMO_REQUESTERS.map((requester) => ({
        email: requester.email,
        name: requester.name,
        role: Role.REQUESTER,
        organizationId: organizationIds[requester.organization],
        groupIds: [],
        locale: requester.locale,
      })),
    ];
    const users = await this.at(time, async (em) => {
      const service = new UsersService({ em, viewer: null });
      const created: User[] = [];
      for (const account of accounts) created.push(await service.createUser({ ...account, timezone: 'Europe/Paris' }));
      return created;
    });
    for (const [index, user] of users.entries()) {
      const viewer = await loadViewer(this.tx, user.id);
      if (!viewer) throw new Error(`demo user ${user.email} cannot act`);
      this.people.set(user.email, { id: user.id, email: user.email, name: user.name, role: user.role, language: accounts[index].locale, viewer });
    }
  }

  private person(email: string): Person {
    const person = this.people.get(email);
    if (!person) throw new Error(`no demo person ${email}`);
    return person;
  }

  private async createAssets(): Promise<void> {
    type Item = Omit<DemoAsset, 'id'> & { tag: string; name: string; assetKind: AssetKind; location?: string; serial?: string };
    const items: Item[] = [
      { tag: 'LAP-0412', name: 'Laptop ThinkPad T14 (Alice Martin)', assetKind: AssetKind.HARDWARE, kind: 'laptop', ownerEmail: 'alice@acme.example', serial: 'PF3K2L9A' },
      { tag: 'LAP-0398', name: 'Laptop ThinkPad T14 (Bob Dupont)', assetKind: AssetKind.HARDWARE, kind: 'laptop', ownerEmail: 'bob@acme.example', serial: 'PF3K1Z7Q' },
      { tag: 'LAP-0387', name: 'Laptop Dell Latitude 7440 (David Chen)', assetKind: AssetKind.HARDWARE, kind: 'laptop', ownerEmail: 'david@acme.example', serial: '9XJ2KQ3' },
      { tag: 'LAP-0420', name: 'MacBook Air 13" (Chloé Leroy)', assetKind: AssetKind.HARDWARE, kind: 'laptop', ownerEmail: 'chloe@globex.example', serial: 'C02FK1XYQ6L4' },
      { tag: 'LAP-0431', name: 'Laptop Dell Latitude 7440 (Priya Nair)', assetKind: AssetKind.HARDWARE, kind: 'laptop', ownerEmail: 'priya@globex.example', serial: '7RT4KQ1' },
      { tag: 'LAP-0405', name: 'Laptop ThinkPad X1 Carbon (Hugo Lefèvre)', assetKind: AssetKind.HARDWARE, kind: 'laptop', ownerEmail: 'hugo@globex.example', serial: 'PF4A7M2C' },
      { tag: 'PHN-0107', name: 'iPhone 14 (Alice Martin)', assetKind: AssetKind.HARDWARE, kind: 'phone', ownerEmail: 'alice@acme.example', serial: 'F17GT2XQ0D5N' },
      { tag: 'PHN-0113', name: 'Pixel 8 (Tom Walker)', assetKind: AssetKind.HARDWARE, kind: 'phone', ownerEmail: 'tom@globex.example', serial: '38291FDJH00172' },
      { tag: 'PRN-2F-01', name: 'Imprimante multifonction 2e étage', assetKind: AssetKind.HARDWARE, kind: 'printer', ownerEmail: null, location: 'Siège, 2e étage' },
      { tag: 'PRN-3F-01', name: 'Imprimante multifonction 3e étage', assetKind: AssetKind.HARDWARE, kind: 'printer', ownerEmail: null, location: 'Siège, 3e étage' },
      { tag: 'PRN-4F-COLOR', name: 'Imprimante couleur 4e étage', assetKind: AssetKind.HARDWARE, kind: 'printer', ownerEmail: null, location: 'Siège, 4e étage' },
      { tag: 'SRV-FS-02', name: 'File server FS-02', assetKind: AssetKind.VIRTUAL_MACHINE, kind: 'server', ownerEmail: null, theme: 'storage', location: 'Datacenter Paris' },
      { tag: 'SRV-DB-PROD-01', name: 'ERP database db-prod-01', assetKind: AssetKind.VIRTUAL_MACHINE, kind: 'server', ownerEmail: null, theme: 'erp', location: 'Datacenter Paris' },
      { tag: 'NET-VPN-GW-01', name: 'VPN concentrator vpn-gw-01', assetKind: AssetKind.NETWORK, kind: 'server', ownerEmail: null, theme: 'vpn', location: 'Datacenter Paris' },
    ];
    await this.at(this.now - (DEMO_DAYS + 20) * DAY, async (em) => {
      const service = new AssetsService({ em, viewer: null });
      for (const item of items) {
        const asset = await service.createAsset({
          tag: item.tag,
          name: item.name,
          kind: item.assetKind,
          status: AssetStatus.IN_USE,
          ownerId: item.ownerEmail ? this.person(item.ownerEmail).id : undefined,
          location: item.location,
          serialNumber: item.serial,
        });
        this.assets.push({ id: asset.id, kind: item.kind, ownerEmail: item.ownerEmail, theme: item.theme });
      }
    });
  }

  // --- Planning: which tickets, opened by whom and when, ending where ---

  private plans(): Plan[] {
    const rng = this.rng;
    const plans: Plan[] = [];
    const requesters = [...this.people.values()].filter((person) => person.role === Role.REQUESTER);
    // Alice, Bob and Chloé are the accounts people log in with: they get more tickets.
    const regulars = new Set(['alice@acme.example', 'bob@acme.example', 'chloe@globex.example']);
    const requesterPool = (language: Language) =>
      requesters.map((person) => [person, (regulars.has(person.email) ? 3 : 1) * (person.language === language ? 1 : 0.25)] as const);
    const weighted = (list: readonly Scenario[]) => list.map((scenario) => [scenario, scenario.weight ?? 1] as const);

    // Problems come after the incidents they explain; changes after the problem they fix.
    const problemAges = [46, 40, 33, 27, 20, 12];
    PROBLEM_SCENARIOS.forEach((scenario, index) => {
      const age = problemAges[index % problemAges.length] * DAY + rng.between(0, 8) * HOUR;
      plans.push(this.staffPlan(scenario, age, this.problemStatus(age)));
    });
    CHANGE_SCENARIOS.forEach((scenario) => {
      const problemIndex = PROBLEM_SCENARIOS.findIndex((problem) => problem.theme !== undefined && problem.theme === scenario.theme);
      const age = problemIndex >= 0 ? (problemAges[problemIndex] - rng.between(4, 9)) * DAY : rng.between(2, 50) * DAY;
      plans.push(this.staffPlan(scenario, age, this.changeStatus(age)));
    });
    // The monthly patching comes back.
    for (const days of [52, 24, 3]) plans.push(this.staffPlan(CHANGE_SCENARIOS[2], days * DAY + rng.between(0, 6) * HOUR, this.changeStatus(days * DAY)));

    for (let index = 0; index < 24; index += 1) {
      const age = this.ticketAge();
      plans.push(this.staffPlan(rng.weighted(weighted(MONITORING_SCENARIOS)), age, this.requestStatus(age), Channel.MONITORING));
    }

    while (plans.length < DEMO_TICKETS) {
      const scenario = rng.weighted(weighted(REQUEST_SCENARIOS));
      const requester = rng.weighted(requesterPool(scenario.language));
      const channel = rng.pick(scenario.channels);
      const age = this.ticketAge();
      // Calls and e-mails are logged by the Service Desk agent who takes them; the rest the requester opens.
      const opener = channel === Channel.PHONE || channel === Channel.EMAIL ? this.memberOf('Service Desk') : requester;
      plans.push({
        scenario,
        title: rng.pick(scenario.titles),
        requester,
        opener,
        channel,
        impact: rng.pick(scenario.impact),
        urgency: rng.pick(scenario.urgency),
        createdAt: this.now - age,
        status: this.requestStatus(age),
      });
    }
    return plans.sort((a, b) => a.createdAt - b.createdAt);
  }

  private staffPlan(scenario: Scenario, age: number, status: TicketStatus, channel?: Channel): Plan {
    const opener = this.memberOf(scenario.group);
    return {
      scenario,
      title: this.rng.pick(scenario.titles),
      requester: opener,
      opener,
      channel: channel ?? this.rng.pick(scenario.channels),
      impact: this.rng.pick(scenario.impact),
      urgency: this.rng.pick(scenario.urgency),
      createdAt: this.now - Math.max(age, 30 * MINUTE),
      status,
    };
  }

  /** Milliseconds before the load; recent days are busier. */
  private ticketAge(): number {
    return Math.max(15 * MINUTE, DEMO_DAYS * DAY * Math.pow(this.rng.next(), 1.35));
  }

  private requestStatus(age: number): TicketStatus {
    const days = age / DAY;
    const S = TicketStatus;
    if (days < 2) return this.rng.weighted([[S.NEW, 30], [S.OPEN, 30], [S.PENDING, 14], [S.ON_HOLD, 5], [S.RESOLVED, 14], [S.CANCELLED, 7]]);
    if (days < 10) return this.rng.weighted([[S.NEW, 4], [S.OPEN, 18], [S.PENDING, 12], [S.ON_HOLD, 10], [S.RESOLVED, 26], [S.CLOSED, 22], [S.CANCELLED, 8]]);
    return this.rng.weighted([[S.OPEN, 3], [S.PENDING, 2], [S.ON_HOLD, 4], [S.RESOLVED, 7], [S.CLOSED, 76], [S.CANCELLED, 8]]);
  }

  private problemStatus(age: number): TicketStatus {
    const S = TicketStatus;
    return age > 25 * DAY ? this.rng.weighted([[S.CLOSED, 4], [S.RESOLVED, 2], [S.ON_HOLD, 1]]) : this.rng.weighted([[S.OPEN, 3], [S.ON_HOLD, 2], [S.NEW, 1]]);
  }

  private changeStatus(age: number): TicketStatus {
    const S = TicketStatus;
    return age > 10 * DAY
      ? this.rng.weighted([[S.CLOSED, 6], [S.RESOLVED, 2], [S.CANCELLED, 1], [S.OPEN, 1]])
      : this.rng.weighted([[S.NEW, 3], [S.ON_HOLD, 3], [S.OPEN, 2], [S.CANCELLED, 1]]);
  }

  private memberOf(group: GroupName): Person {
    const members: Record<GroupName, [string, number][]> = {
      'Service Desk': [['agent@deskgraph.local', 3], ['admin@deskgraph.local', 1]],
      'Network Operations': [['network@deskgraph.local', 1]],
      Infrastructure: [['infra@deskgraph.local', 1]],
    };
    return this.person(this.rng.weighted(members[group]));
  }

  // --- The commands of each ticket's life ---

  /** Every command of every ticket, in the order of their times. */
  private commands(): Command[] {
    const handles: Handle[] = [];
    const commands: Command[] = [];
    for (const plan of this.plans()) {
      const handle: Handle = { plan, openUntil: Number.POSITIVE_INFINITY, linkedToProblem: false };
      const steps = this.life(handle, handles);
      handles.push(handle);
      // Squeezed into the time left before the load when the ticket is recent.
      const total = steps.reduce((sum, step) => sum + step.after, 0);
      const room = (this.now - 5 * MINUTE - plan.createdAt) / MINUTE;
      const scale = total > room ? room / total : 1;
      let time = plan.createdAt;
      for (const step of steps) {
        time += step.after * scale * MINUTE;
        commands.push({ time, order: commands.length, tickets: [handle, ...(step.others ?? [])], run: step.run });
      }
      const ended = [TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.CANCELLED].includes(plan.status);
      if (ended) handle.openUntil = time;
    }
    return commands.sort((a, b) => a.time - b.time || a.order - b.order);
  }

  private service(actor: Person, em: EntityManager): TicketsService {
    return new TicketsService({ em, viewer: actor.viewer });
  }

  /**
   * The steps of one ticket's life, each `after` minutes after the previous one. Every random
   * choice is made here, before anything runs, so the desk is the same whatever the timing.
   */
  private life(handle: Handle, earlier: readonly Handle[]): Step[] {
    const rng = this.rng;
    const { plan } = handle;
    const { scenario } = plan;
    const words = PHRASES[scenario.language];
    const steps: Step[] = [];
    const at = (after: number, run: Run, others?: Handle[]) => steps.push({ after, run, others });
    const id = () => handle.id!;
    const S = TicketStatus;
    const status = plan.status;
    const comment = (author: Person, body: string, internal = false) => (em: EntityManager) =>
      this.service(author, em).addComment({ ticketId: id(), body, internal });
    const move = (actor: Person, to: TicketStatus, resolution?: string) => (em: EntityManager) =>
      this.service(actor, em).changeTicketStatus({ id: id(), status: to, resolution });
    const assign = (actor: Person, group: GroupName, assignee?: Person) => (em: EntityManager) =>
      this.service(actor, em).assignTicket({ id: id(), groupId: this.groupIds.get(group)!, assigneeId: assignee?.id });
    const link = (actor: Person, from: () => string, to: () => string, kind: TicketLinkKind) => (em: EntityManager) =>
      this.service(actor, em).linkTickets({ fromId: from(), toId: to(), kind });

    // The desk's own tickets (alerts, problems, changes) have a staff requester; the others a
    // requester, who opened it or on whose behalf an agent logged a call.
    const ownTicket = plan.requester.role !== Role.REQUESTER;
    const byStaff = plan.opener.role !== Role.REQUESTER;
    const problemOrChange = scenario.type === TicketType.PROBLEM || scenario.type === TicketType.CHANGE;
    // Who works it: the staff owner, the agent who took the call for first-line work, or an agent of the group.
    const worker = ownTicket || (byStaff && scenario.group === 'Service Desk') ? plan.opener : this.memberOf(scenario.group);
    const triager = byStaff ? plan.opener : this.memberOf('Service Desk');
    // Tier 2 and 3 work reported by people usually passes through the Service Desk first.
    const viaDesk = !ownTicket && scenario.group !== 'Service Desk' && rng.chance(0.7);
    const firstGroup: GroupName = viaDesk ? 'Service Desk' : scenario.group;
    const firstAssignee = viaDesk ? triager : worker;
    const ownAsset = this.assets.find((asset) => asset.kind === scenario.asset && asset.ownerEmail === plan.requester.email);
    const sharedAsset =
      scenario.asset === 'printer'
        ? rng.pick(this.assets.filter((asset) => asset.kind === 'printer'))
        : plan.channel === Channel.MONITORING
          ? this.assets.find((asset) => asset.kind === 'server' && asset.theme === scenario.theme)
          : undefined;

    // Opened.
    const category = byStaff || rng.chance(0.6) ? scenario.category : undefined;
    const signature = byStaff ? '' : `\n\n${plan.requester.name.split(' ')[0]}`;
    at(0, async (em) => {
      const ticket = await this.service(plan.opener, em).createTicket({
        type: scenario.type,
        title: plan.title,
        description: scenario.description + signature,
        impact: plan.impact,
        urgency: plan.urgency,
        category,
        tags: byStaff ? [...scenario.tags] : undefined,
        channel: plan.channel,
        requesterId: plan.opener === plan.requester ? undefined : plan.requester.id,
        // An agent logging a call routes it at once; alerts land in their group's queue unassigned.
        groupId: byStaff ? this.groupIds.get(firstGroup) : undefined,
        assigneeId: byStaff && plan.channel !== Channel.MONITORING ? firstAssignee.id : undefined,
        assetIds: [ownAsset?.id, plan.channel === Channel.MONITORING ? sharedAsset?.id : undefined].filter((assetId): assetId is string => !!assetId),
      });
      handle.id = ticket.id;
    });

    if (problemOrChange) {
      this.problemOrChangeLife(handle, earlier, at, comment, move, link);
      return steps;
    }

    // Still new: at most put in the Service Desk's queue.
    if (status === S.NEW) {
      if (!byStaff && rng.chance(0.3)) at(rng.between(5, 90), assign(triager, 'Service Desk'));
      return steps;
    }
    // Cancelled by the requester before anyone looked.
    if (status === S.CANCELLED && !ownTicket && rng.chance(0.4)) {
      if (rng.chance(0.3)) at(rng.between(10, 240), comment(plan.requester, rng.pick(words.requesterCancel)));
      at(rng.between(1, 30), move(plan.requester, S.CANCELLED));
      return steps;
    }

    // Triage: into a group, perhaps retagged or reprioritised, opened, first answer.
    const triageAfter = rng.between(5, 120);
    // What an agent logged is placed already; the rest (and alerts) gets its assignee now.
    if (!byStaff || plan.channel === Channel.MONITORING) at(triageAfter, assign(triager, firstGroup, firstAssignee));
    if (scenario.asset === 'printer' || rng.chance(0.12)) {
      const tags = [...scenario.tags, ...(rng.chance(0.2) ? ['vip'] : [])];
      const impact = rng.chance(0.3) ? rng.pick([Impact.HIGH, Impact.MEDIUM, Impact.LOW]) : undefined;
      const priorityOverride = rng.chance(0.25) ? rng.pick([Priority.P1, Priority.P2]) : undefined;
      const assetIds = scenario.asset === 'printer' && sharedAsset ? [sharedAsset.id] : undefined;
      at(rng.between(1, 10), (em) => this.service(triager, em).updateTicket({ id: id(), category: scenario.category, tags, impact, priorityOverride, assetIds }));
    }
    // Quick fixes go from NEW straight to RESOLVED (the workflow allows it).
    if (status === S.OPEN || rng.chance(0.3)) at(rng.between(1, 10), move(firstAssignee, S.OPEN));
    if (plan.channel === Channel.MONITORING) at(rng.between(2, 30), comment(worker, rng.pick(words.internal), true));
    else if (rng.chance(0.35)) at(rng.between(1, 30), comment(firstAssignee, rng.pick(words.acknowledge)));
    if (rng.chance(0.08)) at(rng.between(5, 60), comment(firstAssignee, rng.pick(words.internal), true));

    // The cause may be known already: an open problem of the same theme.
    if (scenario.type === TicketType.INCIDENT && scenario.theme) {
      const problem = this.openProblem(earlier, TicketType.PROBLEM, scenario.theme, plan.createdAt);
      if (problem && rng.chance(0.7)) {
        handle.linkedToProblem = true;
        at(rng.between(10, 120), link(worker, id, () => problem.id!, TicketLinkKind.CAUSED_BY), [problem]);
      }
    }
    if (viaDesk) {
      const after = rng.between(30, 300);
      if (rng.chance(0.2)) at(after, comment(firstAssignee, rng.pick(words.escalation), true));
      at(after, assign(firstAssignee, scenario.group, worker));
    }

    // Waiting on the requester; their answer puts the ticket back to OPEN.
    if (!ownTicket && (status === S.PENDING || rng.chance(0.12))) {
      at(rng.between(20, 600), comment(worker, rng.pick(words.question)));
      at(rng.between(1, 5), move(worker, S.PENDING));
      if (status === S.PENDING) return steps;
      at(rng.between(60, 1800), comment(plan.requester, rng.pick(words.requesterAnswer)));
    }
    // Waiting on a third party.
    if (status === S.ON_HOLD || rng.chance(0.05)) {
      at(rng.between(30, 900), comment(worker, rng.pick(words.hold), true));
      at(rng.between(1, 5), move(worker, S.ON_HOLD));
      if (status === S.ON_HOLD) return steps;
      if (rng.chance(0.3)) at(rng.between(1000, 5000), comment(worker, rng.pick(words.backFromHold), true));
      at(rng.between(1000, 5000), move(worker, S.OPEN));
    }
    if (status === S.OPEN) {
      if (!ownTicket && rng.chance(0.2)) at(rng.between(120, 2000), comment(plan.requester, rng.pick(words.requesterChase)));
      return steps;
    }
    if (status === S.CANCELLED) {
      const original = [...earlier]
        .reverse()
        .find((other) => other.plan.title === plan.title && other.plan.status !== S.CANCELLED && other.plan.createdAt > plan.createdAt - 7 * DAY);
      if (original) {
        at(rng.between(10, 300), link(worker, id, () => original.id!, TicketLinkKind.DUPLICATES), [original]);
        at(1, comment(worker, words.duplicate));
        at(1, move(worker, S.CANCELLED));
      } else {
        if (!ownTicket && rng.chance(0.5)) at(rng.between(60, 1500), comment(plan.requester, rng.pick(words.requesterCancel)));
        at(rng.between(10, 120), move(ownTicket ? worker : plan.requester, S.CANCELLED));
      }
      return steps;
    }

    // Resolved, perhaps reopened once; then closed; perhaps rated.
    if (rng.chance(0.2)) at(rng.between(60, 2400), comment(worker, rng.pick(words.beforeResolve)));
    at(rng.between(10, 2000), move(worker, S.RESOLVED, scenario.resolution));
    if (!ownTicket && rng.chance(0.04)) {
      at(rng.between(120, 2000), comment(plan.requester, rng.pick(words.reopen)));
      at(rng.between(1, 5), move(plan.requester, S.OPEN));
      at(rng.between(60, 1500), move(worker, S.RESOLVED, scenario.resolution));
    }
    const rating = !ownTicket && rng.chance(0.3) ? rng.weighted([[5, 40], [4, 30], [3, 15], [2, 10], [1, 5]] as const) : undefined;
    const ratingComment =
      rating === undefined || rng.chance(0.3)
        ? undefined
        : rng.pick(rating >= 4 ? words.ratingGood : rating === 3 ? words.ratingAverage : words.ratingPoor);
    const rate = (em: EntityManager) => this.service(plan.requester, em).rateTicket({ id: id(), rating: rating!, comment: ratingComment });
    if (status === S.CLOSED) {
      // The requester confirms, or the desk closes after a few quiet days.
      if (!ownTicket && rng.chance(0.25)) {
        at(rng.between(30, 1440), comment(plan.requester, rng.pick(words.thanks)));
        at(rng.between(1, 10), move(plan.requester, S.CLOSED));
      } else {
        const after = rng.between(2 * 1440, 5 * 1440);
        if (rng.chance(0.2)) {
          at(after, comment(worker, rng.pick(words.closeByAgent)));
          at(rng.between(1, 10), move(worker, S.CLOSED));
        } else {
          at(after, move(worker, S.CLOSED));
        }
      }
    }
    if (rating !== undefined) at(rng.between(10, 1440), rate);
    return steps;
  }

  /** A problem or a change: linked to its theme's incidents or problem, worked over days. */
  private problemOrChangeLife(
    handle: Handle,
    earlier: readonly Handle[],
    at: (after: number, run: Run, others?: Handle[]) => void,
    comment: (author: Person, body: string, internal?: boolean) => (em: EntityManager) => Promise<unknown>,
    move: (actor: Person, to: TicketStatus, resolution?: string) => (em: EntityManager) => Promise<unknown>,
    link: (actor: Person, from: () => string, to: () => string, kind: TicketLinkKind) => (em: EntityManager) => Promise<unknown>,
  ): void {
    const rng = this.rng;
    const { plan } = handle;
    const { scenario } = plan;
    const words = PHRASES[scenario.language];
    const owner = plan.opener;
    const id = () => handle.id!;
    const S = TicketStatus;
    const status = plan.status;

    if (scenario.type === TicketType.PROBLEM && scenario.theme) {
      // The incidents that made someone open the problem.
      const incidents = earlier
        .filter((other) => other.plan.scenario.type === TicketType.INCIDENT && other.plan.scenario.theme === scenario.theme)
        .filter((other) => !other.linkedToProblem && other.plan.createdAt > plan.createdAt - 30 * DAY)
        .slice(-4);
      for (const incident of incidents) {
        incident.linkedToProblem = true;
        at(rng.between(5, 30), link(owner, () => incident.id!, id, TicketLinkKind.CAUSED_BY), [incident]);
      }
    }
    if (scenario.type === TicketType.CHANGE && scenario.theme) {
      const problem = this.openProblem(earlier, TicketType.PROBLEM, scenario.theme, plan.createdAt);
      if (problem) at(rng.between(10, 60), link(owner, () => problem.id!, id, TicketLinkKind.RELATES_TO), [problem]);
    }
    if (status === S.NEW) return;
    if (status === S.CANCELLED && rng.chance(0.5)) {
      at(rng.between(600, 4000), comment(owner, 'Superseded: rescheduled with the next release.', true));
      at(1, move(owner, S.CANCELLED));
      return;
    }
    if (scenario.type === TicketType.CHANGE) {
      // The change advisory board: the owner asks for approval of a window a few days ahead, an admin
      // (or the Service Desk agent, for the admin's own changes) decides.
      const approver = this.person(owner.email === 'admin@deskgraph.local' ? 'agent@deskgraph.local' : 'admin@deskgraph.local');
      const lead = rng.between(1, 4) * DAY;
      const length = rng.pick([1, 2, 3, 4]) * HOUR;
      at(rng.between(60, 1440), (em, clock, time) =>
        new ChangesService({ em, viewer: owner.viewer }).requestApproval({
          id: id(),
          approverIds: [approver.id],
          windowStart: clock.named(new Date(time + lead)),
          windowEnd: clock.named(new Date(time + lead + length)),
        }),
      );
      if (status === S.ON_HOLD) {
        // Waiting for the board.
        at(1, move(owner, S.ON_HOLD));
        return;
      }
      const approve = status !== S.CANCELLED;
      const decision = approve ? rng.pick(words.changeApproval) : 'Rejected: too risky before the quarter-end freeze.';
      at(rng.between(600, 3000), (em) => new ChangesService({ em, viewer: approver.viewer }).decide({ id: id(), approve, comment: decision }));
      if (!approve) {
        at(rng.between(60, 600), move(owner, S.CANCELLED));
        return;
      }
      at(rng.between(600, 4000), move(owner, S.OPEN));
    } else {
      at(rng.between(60, 600), move(owner, S.OPEN));
      at(rng.between(600, 3000), comment(owner, rng.pick(words.problemUpdate), true));
      if (status === S.ON_HOLD) {
        at(rng.between(60, 600), comment(owner, rng.pick(words.hold), true));
        at(1, move(owner, S.ON_HOLD));
        return;
      }
    }
    if (status === S.OPEN) return;
    if (status === S.CANCELLED) {
      at(rng.between(600, 3000), comment(owner, 'Cancelled: no longer needed.', true));
      at(1, move(owner, S.CANCELLED));
      return;
    }
    at(rng.between(1440, 6 * 1440), move(owner, S.RESOLVED, scenario.resolution));
    if (status === S.CLOSED) at(rng.between(1440, 4 * 1440), move(owner, S.CLOSED));
  }

  /** A problem (or change) of this theme opened before `time` and still open then. */
  private openProblem(earlier: readonly Handle[], type: TicketType, theme: Theme, time: number): Handle | undefined {
    return earlier.find(
      (other) => other.plan.scenario.type === type && other.plan.scenario.theme === theme && other.plan.createdAt < time && other.openUntil > time,
    );
  }

  // --- Playing the commands ---

  /**
   * Plays the commands one by one in the order of their times, so that ticket numbers, history and
   * events follow the simulated time. A ticket's commands share one unit of work (its entities stay
   * loaded, as they would not across requests, but nothing else writes that ticket meanwhile);
   * links, which touch two tickets, get a fresh one.
   */
  private async play(commands: Command[]): Promise<void> {
    for (const command of commands) {
      const [ticket, ...others] = command.tickets;
      const session = others.length ? DemoClock.fork(this.tx, this.now) : (ticket.session ??= DemoClock.fork(this.tx, this.now));
      await this.at(command.time, command.run, session);
    }
  }
}
