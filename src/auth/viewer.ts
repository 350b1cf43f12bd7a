import type { Role } from './roles';

/** Who is calling, resolved once per request (or per socket) from a verified token. */
export interface Viewer {
  id: string;
  role: Role;
  organizationId: string | null;
  /** Whether the viewer's organization shares tickets among its people. */
  organizationSharesTickets: boolean;
  groupIds: string[];
}
