import { registerEnumType } from 'type-graphql';

export enum Role {
  REQUESTER = 'REQUESTER',
  AGENT = 'AGENT',
  ADMIN = 'ADMIN',
  ANALYST = 'ANALYST',
}
registerEnumType(Role, {
  name: 'Role',
  valuesConfig: {
    REQUESTER: { description: 'Opens tickets and follows their own (and their organization’s when shared).' },
    AGENT: { description: 'Works tickets; acts on the queues of their groups.' },
    ADMIN: { description: 'Everything, including configuration.' },
    ANALYST: { description: 'Reads everything except secrets; runs statistics.' },
  },
});

/** The desk’s own people, as opposed to the requesters they serve. */
export const STAFF_ROLES: readonly Role[] = [Role.AGENT, Role.ADMIN, Role.ANALYST];

export const isStaff = (role: Role) => STAFF_ROLES.includes(role);
