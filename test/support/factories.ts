import { randomBytes } from 'node:crypto';
import { Role } from '../../src/auth/roles';
import { TokenService } from '../../src/auth/tokens';
import { toGlobalId } from '../../src/graphql/global-id';
import { AssetsService, type CreateAssetCommand } from '../../src/modules/assets/assets.service';
import { AssetKind } from '../../src/modules/assets/assets.enums';
import { TicketsService, type CreateTicketCommand } from '../../src/modules/tickets/tickets.service';
import { TicketType } from '../../src/modules/tickets/tickets.enums';
import { GroupsService } from '../../src/modules/users/groups.service';
import { loadViewer } from '../../src/modules/users/session.service';
import { OrganizationsService } from '../../src/modules/users/organizations.service';
import { UsersService, type CreateUserCommand } from '../../src/modules/users/users.service';
import { GraphQLClient } from './client';
import { TEST_JWT_SECRET, type TestServer } from './server';

/** Builds data straight through the services (fast, no HTTP), and clients acting as its people. */
export class Factory {
  private readonly tokens = new TokenService(TEST_JWT_SECRET, 3600);
  readonly anonymous: GraphQLClient;

  constructor(private readonly server: TestServer) {
    this.anonymous = new GraphQLClient(server.url);
  }

  private context() {
    return { em: this.server.orm.em.fork(), viewer: null };
  }

  async user(overrides: Partial<CreateUserCommand> = {}) {
    const user = await new UsersService(this.context()).createUser({
      email: `${randomBytes(5).toString('hex')}@example.com`,
      name: `Person ${randomBytes(3).toString('hex')}`,
      role: Role.REQUESTER,
      ...overrides,
    });
    const token = this.tokens.issue(user.id);
    return { user, id: toGlobalId('User', user.id), token, client: new GraphQLClient(this.server.url, token) };
  }

  admin(overrides: Partial<CreateUserCommand> = {}) {
    return this.user({ role: Role.ADMIN, ...overrides });
  }

  agent(overrides: Partial<CreateUserCommand> = {}) {
    return this.user({ role: Role.AGENT, ...overrides });
  }

  analyst(overrides: Partial<CreateUserCommand> = {}) {
    return this.user({ role: Role.ANALYST, ...overrides });
  }

  async group(name = `Group ${randomBytes(3).toString('hex')}`, tier = 1, memberIds: string[] = []) {
    const group = await new GroupsService(this.context()).createGroup({ name, tier, memberIds });
    return { group, id: toGlobalId('Group', group.id) };
  }

  /** A ticket opened by `by` (a user from this factory), through the same service as createTicket. */
  async ticket(by: { user: { id: string } }, overrides: Partial<CreateTicketCommand> = {}) {
    const em = this.server.orm.em.fork();
    const viewer = await loadViewer(em, by.user.id);
    const ticket = await new TicketsService({ em, viewer }).createTicket({
      type: TicketType.INCIDENT,
      title: `Ticket ${randomBytes(3).toString('hex')}`,
      ...overrides,
    });
    return { ticket, id: toGlobalId('Ticket', ticket.id) };
  }

  async asset(overrides: Partial<CreateAssetCommand> = {}) {
    const asset = await new AssetsService(this.context()).createAsset({
      tag: `ASSET-${randomBytes(4).toString('hex').toUpperCase()}`,
      name: 'Laptop',
      kind: AssetKind.HARDWARE,
      ...overrides,
    });
    return { asset, id: toGlobalId('Asset', asset.id) };
  }

  async organization(name = `Org ${randomBytes(3).toString('hex')}`, shareTickets = false) {
    const organization = await new OrganizationsService(this.context()).createOrganization({ name, shareTickets });
    return { organization, id: toGlobalId('Organization', organization.id) };
  }
}
