import type { Role } from './roles';

/** Who is calling, resolved once per request (or per socket) from a verified token. */
export interface Viewer {
  id: string;
  role: Role;
  organizationId: string | null;
  groupIds: string[];
}
