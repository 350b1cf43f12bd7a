import { alignMany, alignOne, defineLoader } from '../../graphql/loaders';
import { AlertTicket, Integration } from './alerts.entities';
import { Asset, AssetRelation } from './assets.entities';
import { ChangeApproval } from './changes.entities';

export const assetById = defineLoader<string, Asset | null>('assetById', async ({ em }, ids) =>
  alignOne(ids, await em.find(Asset, { id: { $in: [...ids] } }), (asset) => asset.id),
);

/** The relations from each asset (what it needs), oldest first. */
export const relationsByAssetId = defineLoader<string, AssetRelation[]>('relationsByAssetId', async ({ em }, ids) =>
  alignMany(ids, await em.find(AssetRelation, { from: { $in: [...ids] } }, { orderBy: { createdAt: 'ASC', id: 'ASC' } }), (relation) => relation.from.id),
);

export const approvalByTicketId = defineLoader<string, ChangeApproval | null>('approvalByTicketId', async ({ em }, ids) =>
  alignOne(ids, await em.find(ChangeApproval, { ticket: { $in: [...ids] } }), (approval) => approval.ticket.id),
);

/** The approvers named for each change (by ticket id). */
export const approverIdsByTicketId = defineLoader<string, string[]>('approverIdsByTicketId', async ({ read }, ids) => {
  const rows = await read<{ ticket_id: string; user_id: string }>(
    'select approval_ticket_id as ticket_id, user_id from change_approvers where approval_ticket_id = any(?::uuid[])',
    [`{${ids.join(',')}}`],
  );
  return alignMany(ids, rows, (row) => row.ticket_id).map((list) => list.map((row) => row.user_id));
});

/** The alert that opened each ticket, if one did. */
export const alertByTicketId = defineLoader<string, AlertTicket | null>('alertByTicketId', async ({ em }, ids) =>
  alignOne(ids, await em.find(AlertTicket, { ticket: { $in: [...ids] } }), (alert) => alert.ticket.id),
);

export const integrationById = defineLoader<string, Integration | null>('integrationById', async ({ em }, ids) =>
  alignOne(ids, await em.find(Integration, { id: { $in: [...ids] } }), (integration) => integration.id),
);
