import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base-entity';
import { Ticket } from '../tickets/tickets.entities';
import { User } from '../users/users.entities';
import { AlertStatus } from './alerts.enums';

/**
 * A monitoring system allowed to post alerts (POST /hooks/alerts). It authenticates with a bearer
 * token shown once at creation; only the token's SHA-256 is stored (a random 256-bit token needs no
 * slow hash: nothing can be guessed from its digest). The integration acts through its own service
 * user, an AGENT that cannot log in, so the tickets it opens go through the ticket rules like any
 * other: history, events, queues, routing.
 */
@Entity({ tableName: 'integrations' })
export class Integration extends BaseEntity<'active' | 'lastUsedAt' | 'revokedAt'> {
  @Property({ type: 'text' })
  @Unique()
  name!: string;

  /** Hex SHA-256 of the token. */
  @Property({ type: 'text', hidden: true })
  @Unique()
  tokenHash!: string;

  /** The token's first characters, to tell tokens apart (never enough to use one). */
  @Property({ type: 'text' })
  tokenPrefix!: string;

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict' })
  serviceUser!: Ref<User>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  createdBy!: Ref<User> | null;

  /** False once revoked: the token is refused from then on. */
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;
}

/**
 * The incident an alert opened. An alert is identified by its integration and Alertmanager's
 * fingerprint (a hash of its labels); later notifications of the same fingerprint go to the latest
 * incident it opened while that is open, and open a new one once it is not.
 */
@Entity({ tableName: 'alert_tickets' })
@Index({ properties: ['integration', 'fingerprint', 'createdAt'] })
export class AlertTicket {
  [OptionalProps]?: 'createdAt' | 'notifications';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Integration, { ref: true, deleteRule: 'cascade' })
  integration!: Ref<Integration>;

  @Property({ type: 'text' })
  fingerprint!: string;

  @ManyToOne(() => Ticket, { ref: true, deleteRule: 'cascade', unique: true })
  ticket!: Ref<Ticket>;

  /** The alert's status in its latest notification. */
  @Enum({ items: () => AlertStatus, nativeEnumName: 'alert_status' })
  status!: AlertStatus;

  @Property({ type: 'jsonb' })
  labels!: Record<string, string>;

  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  endsAt!: Date | null;

  @Property({ type: 'text', nullable: true })
  generatorUrl!: string | null;

  /** Notifications received for it (the first firing included). */
  @Property({ type: 'integer' })
  notifications: number = 1;

  @Property({ type: 'timestamptz' })
  lastNotifiedAt!: Date;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
