import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';

export enum TicketDimension {
  STATUS = 'STATUS',
  PRIORITY = 'PRIORITY',
  TYPE = 'TYPE',
  CHANNEL = 'CHANNEL',
  CATEGORY = 'CATEGORY',
  GROUP = 'GROUP',
  ASSIGNEE = 'ASSIGNEE',
  ORGANIZATION = 'ORGANIZATION',
  CREATED_DAY = 'CREATED_DAY',
  CREATED_WEEK = 'CREATED_WEEK',
  CREATED_MONTH = 'CREATED_MONTH',
  RESOLVED_DAY = 'RESOLVED_DAY',
  RESOLVED_WEEK = 'RESOLVED_WEEK',
  RESOLVED_MONTH = 'RESOLVED_MONTH',
}
registerEnumType(TicketDimension, {
  name: 'TicketDimension',
  description:
    'What statistics are grouped by. A key’s `value` is the enum value, the category, a global id (GROUP, ASSIGNEE, ORGANIZATION) or an ISO 8601 ' +
    'date (days `2026-01-05`, ISO weeks `2026-W02`, months `2026-01`) in the query’s time zone; null for tickets without one (no group, not resolved…).',
  valuesConfig: {
    GROUP: { description: 'The ticket’s group; `value` is a Group id, `label` its name.' },
    ASSIGNEE: { description: 'The ticket’s assignee; `value` is a User id, `label` their name.' },
    ORGANIZATION: { description: 'The requester’s organization when the ticket was opened; `value` is an Organization id, `label` its name.' },
    CREATED_WEEK: { description: 'ISO week of creation (weeks start on Monday; week 1 holds the year’s first Thursday).' },
    RESOLVED_DAY: { description: 'Day of the (latest) resolution; null while not resolved.' },
    RESOLVED_WEEK: { description: 'ISO week of the (latest) resolution; null while not resolved.' },
    RESOLVED_MONTH: { description: 'Month of the (latest) resolution; null while not resolved.' },
  },
});

export enum TicketMetric {
  COUNT = 'COUNT',
  OPEN_COUNT = 'OPEN_COUNT',
  RESOLVED_COUNT = 'RESOLVED_COUNT',
  MEAN_TIME_TO_RESOLVE = 'MEAN_TIME_TO_RESOLVE',
  MEDIAN_TIME_TO_RESOLVE = 'MEDIAN_TIME_TO_RESOLVE',
  P90_TIME_TO_RESOLVE = 'P90_TIME_TO_RESOLVE',
  MEAN_FIRST_RESPONSE = 'MEAN_FIRST_RESPONSE',
  FIRST_RESPONSE_SLA_MET_RATE = 'FIRST_RESPONSE_SLA_MET_RATE',
  RESOLUTION_SLA_MET_RATE = 'RESOLUTION_SLA_MET_RATE',
  BREACHED_COUNT = 'BREACHED_COUNT',
  REOPENED_RATE = 'REOPENED_RATE',
  CSAT_AVERAGE = 'CSAT_AVERAGE',
}
registerEnumType(TicketMetric, {
  name: 'TicketMetric',
  description: 'What is computed per group of tickets. Times are wall-clock seconds, rates are from 0 to 1; null where no ticket of the group has the data.',
  valuesConfig: {
    COUNT: { description: 'Tickets. Over all rows it adds up to `tickets(filter).totalCount` for an analyst or an admin.' },
    OPEN_COUNT: { description: 'Tickets in NEW, OPEN, PENDING or ON_HOLD.' },
    RESOLVED_COUNT: { description: 'Tickets resolved (RESOLVED, or CLOSED after a resolution): `resolvedAt` is set.' },
    MEAN_TIME_TO_RESOLVE: { description: 'Mean of `resolvedAt − createdAt` over resolved tickets, in seconds (the latest resolution of a reopened ticket).' },
    MEDIAN_TIME_TO_RESOLVE: { description: 'Median of `resolvedAt − createdAt` over resolved tickets, in seconds (interpolated).' },
    P90_TIME_TO_RESOLVE: { description: '90th percentile of `resolvedAt − createdAt` over resolved tickets, in seconds (interpolated).' },
    MEAN_FIRST_RESPONSE: { description: 'Mean of `firstRespondedAt − createdAt` over tickets an agent replied to, in seconds.' },
    FIRST_RESPONSE_SLA_MET_RATE: {
      description: 'Among tickets whose FIRST_RESPONSE SLA clock is decided (MET or BREACHED), the share MET. Running and paused clocks are not counted.',
    },
    RESOLUTION_SLA_MET_RATE: {
      description: 'Among tickets whose RESOLUTION SLA clock is decided (MET or BREACHED), the share MET. Running and paused clocks are not counted.',
    },
    BREACHED_COUNT: { description: 'Tickets with a breached SLA clock (what `TicketFilter.slaBreached: true` lists).' },
    REOPENED_RATE: { description: 'Among tickets resolved at least once, the share reopened at least once (`reopenedCount > 0`).' },
    CSAT_AVERAGE: { description: 'Mean satisfaction rating (1 to 5) over rated tickets.' },
  },
});

// Plain data, possibly thousands of rows: simple resolvers skip the per-field middleware chain
// (there are no arguments to check), which otherwise costs more than the statement on small answers.
@ObjectType({ description: 'One dimension of a row: which group of tickets it is.', simpleResolvers: true })
export class StatKey {
  @Field(() => TicketDimension)
  dimension!: TicketDimension;

  @Field(() => String, { nullable: true, description: 'Machine-readable (see TicketDimension); null for tickets without one.' })
  value!: string | null;

  @Field({ description: 'Human-readable: the name of the group, person or organization, the status, the week…' })
  label!: string;
}

@ObjectType({ simpleResolvers: true })
export class StatValue {
  @Field(() => TicketMetric)
  metric!: TicketMetric;

  @Field(() => Float, { nullable: true, description: 'Null where the metric has no data in this group.' })
  value!: number | null;
}

@ObjectType({ description: 'One group of tickets: its keys in the order of `groupBy`, its values in the order of `metrics`.', simpleResolvers: true })
export class TicketStatsRow {
  @Field(() => [StatKey])
  keys!: StatKey[];

  @Field(() => [StatValue])
  values!: StatValue[];
}

@ObjectType({ description: 'Statistics computed in PostgreSQL over the tickets of a filter; groups without tickets have no row.', simpleResolvers: true })
export class TicketStats {
  @Field(() => [TicketStatsRow], { description: 'Ordered by the keys: enums in their declared order, times ascending, names alphabetically; "none" last.' })
  rows!: TicketStatsRow[];

  @Field({ description: 'The IANA time zone the time buckets are in.' })
  timezone!: string;
}
