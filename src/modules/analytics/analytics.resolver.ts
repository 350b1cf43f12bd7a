import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { toCriteria } from '../tickets/tickets.resolver';
import { TicketFilter } from '../tickets/tickets.types';
import { ANALYTICS_ROLES } from './analytics.policy';
import { AnalyticsService } from './analytics.service';
import { TicketDimension, TicketMetric, TicketStats } from './analytics.types';

@Authorized(...ANALYTICS_ROLES)
@Resolver()
export class AnalyticsResolver {
  @Query(() => TicketStats, {
    description:
      'Ticket statistics computed in PostgreSQL: one row per group of `groupBy` (none: one row for all), with each metric. ' +
      'Counts the tickets `tickets(filter)` lists (an agent: only those of their groups). Analysts, admins and agents; ' +
      'a question above the role’s budget is BAD_USER_INPUT with `extensions.analytics` BUDGET_EXCEEDED, one that runs too long BAD_USER_INPUT with `extensions.analytics` TIMEOUT.',
  })
  ticketStats(
    @Arg('filter', () => TicketFilter, { nullable: true }) filter: TicketFilter | null,
    @Arg('groupBy', () => [TicketDimension]) groupBy: TicketDimension[],
    @Arg('metrics', () => [TicketMetric]) metrics: TicketMetric[],
    @Arg('timezone', () => String, { nullable: true, description: 'IANA time zone of the time buckets; default UTC.' }) timezone: string | null,
    @Ctx() ctx: Context,
  ): Promise<TicketStats> {
    return new AnalyticsService(ctx, ctx.app.config.analytics).ticketStats(ctx.viewer!, toCriteria(filter), { groupBy, metrics, timezone: timezone ?? 'UTC' });
  }
}
