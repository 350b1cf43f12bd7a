import { Check, Entity, Enum, ManyToOne, OptionalProps, PrimaryKeyProp, Property, type Ref } from '@mikro-orm/core';
import { Ticket } from '../tickets/tickets.entities';
import { User } from '../users/users.entities';
import { ChangeApprovalStatus } from './changes.enums';

/**
 * The approval of a CHANGE ticket and its planned window: one row per change, for its latest request
 * (earlier rounds stay in the ticket's history). The first approver to decide settles it.
 */
@Entity({ tableName: 'change_approvals' })
@Check({ name: 'change_approvals_window_order', expression: 'window_start < window_end' })
export class ChangeApproval {
  [PrimaryKeyProp]?: 'ticket';
  [OptionalProps]?: 'status' | 'decidedBy' | 'decidedAt' | 'comment' | 'version';

  @ManyToOne(() => Ticket, { primary: true, ref: true, deleteRule: 'cascade' })
  ticket!: Ref<Ticket>;

  @Enum({ items: () => ChangeApprovalStatus, nativeEnumName: 'change_approval_status' })
  status: ChangeApprovalStatus = ChangeApprovalStatus.REQUESTED;

  @Property({ type: 'timestamptz' })
  windowStart!: Date;

  @Property({ type: 'timestamptz' })
  windowEnd!: Date;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  requestedBy!: Ref<User> | null;

  @Property({ type: 'timestamptz' })
  requestedAt!: Date;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  decidedBy: Ref<User> | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  comment: string | null = null;

  @Property({ version: true })
  version!: number;
}

/** The people named to decide a change's approval (any one of them decides). */
@Entity({ tableName: 'change_approvers' })
export class ChangeApprover {
  [PrimaryKeyProp]?: ['approval', 'user'];

  @ManyToOne(() => ChangeApproval, { primary: true, ref: true, deleteRule: 'cascade' })
  approval!: Ref<ChangeApproval>;

  @ManyToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade', index: true })
  user!: Ref<User>;
}
