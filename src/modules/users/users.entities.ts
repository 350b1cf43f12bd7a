import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKeyProp, Property, Unique, type Ref } from '@mikro-orm/core';
import { Role } from '../../auth/roles';
import { BaseEntity } from '../../db/base-entity';

@Entity({ tableName: 'organizations' })
export class Organization extends BaseEntity<'domain' | 'shareTickets'> {
  @Property({ type: 'text' })
  @Unique()
  name!: string;

  /** The e-mail domain of its people, e.g. "acme.example"; used to place new requesters. */
  @Property({ type: 'text', nullable: true })
  @Unique()
  domain: string | null = null;

  /** When true, its requesters see each other's tickets. */
  @Property({ type: 'boolean' })
  shareTickets: boolean = false;
}

@Entity({ tableName: 'groups' })
export class Group extends BaseEntity<'description' | 'tier'> {
  @Property({ type: 'text' })
  @Unique()
  name!: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  /** Support level: 1 first line, 2 second, 3 third. */
  @Property({ type: 'smallint' })
  tier: number = 1;
}

@Entity({ tableName: 'users' })
@Index({ properties: ['name', 'id'] })
export class User extends BaseEntity<'active' | 'timezone' | 'locale' | 'passwordHash' | 'organization'> {
  /** Stored lower-cased, so uniqueness and login ignore case. */
  @Property({ type: 'text' })
  @Unique()
  email!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => Role, nativeEnumName: 'user_role' })
  role!: Role;

  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'text' })
  timezone: string = 'UTC';

  @Property({ type: 'text' })
  locale: string = 'en';

  /** Null for people who cannot log in (e.g. requesters known only by e-mail). */
  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  passwordHash: string | null = null;

  @ManyToOne(() => Organization, { ref: true, nullable: true, deleteRule: 'set null', index: true })
  organization: Ref<Organization> | null = null;
}

@Entity({ tableName: 'group_members' })
export class GroupMembership {
  [PrimaryKeyProp]?: ['group', 'user'];
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Group, { primary: true, ref: true, deleteRule: 'cascade' })
  group!: Ref<Group>;

  @ManyToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade', index: true })
  user!: Ref<User>;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** Failed logins counted per key ("email:…", "ip:…") in a fixed window, shared by every instance. */
@Entity({ tableName: 'login_throttle' })
export class LoginThrottle {
  @Property({ type: 'text', primary: true })
  key!: string;

  @Property({ type: 'integer' })
  failures!: number;

  @Property({ type: 'timestamptz' })
  windowStartedAt!: Date;
}
