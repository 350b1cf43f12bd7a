import type { DomainModule } from '../module';
import { ticketStatusGuards } from '../tickets/tickets.service';
import { Role } from '../../auth/roles';
import { AlertTicket, Integration } from './alerts.entities';
import { IngestedAlertResolver, IntegrationsResolver } from './alerts.resolver';
import { IntegrationNode } from './alerts.types';
import { Asset, AssetHistory, AssetKindSchema, AssetRelation } from './assets.entities';
import { assetById, integrationById } from './assets.loaders';
import { assetsPolicy } from './assets.policy';
import { AssetHistoryResolver, AssetImpactResolver, AssetRelationResolver, AssetsResolver } from './assets.resolver';
import { AssetNode } from './assets.types';
import { ChangeApproval, ChangeApprover } from './changes.entities';
import { ChangeApprovalResolver, ChangesResolver, MonitoringAlertResolver, TicketChangeFieldsResolver } from './changes.resolver';
import { changeApprovalGuard } from './changes.service';

// A CHANGE is resolved only once approved.
ticketStatusGuards.push(changeApprovalGuard);

/**
 * The CMDB (assets, typed attributes, relations and impact), problem and change management on
 * tickets (resolving a problem with its incidents, change approval and window), and monitoring
 * alerts (integrations, POST /hooks/alerts, mounted by server/app.ts from alerts.http.ts).
 */
export const assetsModule: DomainModule = {
  name: 'assets',
  entities: [Asset, AssetRelation, AssetHistory, AssetKindSchema, ChangeApproval, ChangeApprover, Integration, AlertTicket],
  resolvers: [
    AssetsResolver,
    AssetRelationResolver,
    AssetHistoryResolver,
    AssetImpactResolver,
    ChangesResolver,
    TicketChangeFieldsResolver,
    ChangeApprovalResolver,
    MonitoringAlertResolver,
    IntegrationsResolver,
    IngestedAlertResolver,
  ],
  nodes: {
    Asset: async (ctx, id) => {
      const asset = await ctx.loaders.get(assetById).load(id);
      return asset && assetsPolicy.canSeeAsset(ctx.viewer, asset) ? AssetNode.from(asset) : null;
    },
    Integration: async (ctx, id) => {
      if (ctx.viewer?.role !== Role.ADMIN) return null;
      const integration = await ctx.loaders.get(integrationById).load(id);
      return integration && IntegrationNode.from(integration);
    },
  },
};
