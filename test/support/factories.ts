import { randomBytes } from 'node:crypto';
import { Role } from '../../src/auth/roles';
import { TokenService } from '../../src/auth/tokens';
import { toGlobalId } from '../../src/graphql/global-id';
import { GroupsService } from '../../src/modules/users/groups.service';
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

  async organization(name = `Org ${randomBytes(3).toString('hex')}`, shareTickets = false) {
    const organization = await new OrganizationsService(this.context()).createOrganization({ name, shareTickets });
    return { organization, id: toGlobalId('Organization', organization.id) };
  }
}
