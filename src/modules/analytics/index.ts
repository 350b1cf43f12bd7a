import type { DomainModule } from '../module';
import { AnalyticsResolver } from './analytics.resolver';

/** Ad-hoc ticket statistics for analysts (and agents, over their groups), computed in PostgreSQL. */
export const analyticsModule: DomainModule = {
  name: 'analytics',
  entities: [],
  resolvers: [AnalyticsResolver],
  nodes: {},
};
