import { registerEnumType } from 'type-graphql';

export enum AssetKind {
  HARDWARE = 'HARDWARE',
  SOFTWARE = 'SOFTWARE',
  LICENSE = 'LICENSE',
  SERVICE = 'SERVICE',
  NETWORK = 'NETWORK',
  VIRTUAL_MACHINE = 'VIRTUAL_MACHINE',
}

export enum AssetStatus {
  IN_STOCK = 'IN_STOCK',
  IN_USE = 'IN_USE',
  IN_REPAIR = 'IN_REPAIR',
  RETIRED = 'RETIRED',
  DISPOSED = 'DISPOSED',
}

/** How `from` relates to `to`, read "from needs to": when `to` fails, `from` is affected (except LICENSED_TO). */
export enum AssetRelationKind {
  DEPENDS_ON = 'DEPENDS_ON',
  RUNS_ON = 'RUNS_ON',
  CONNECTED_TO = 'CONNECTED_TO',
  INSTALLED_ON = 'INSTALLED_ON',
  LICENSED_TO = 'LICENSED_TO',
}

registerEnumType(AssetKind, { name: 'AssetKind' });
registerEnumType(AssetStatus, {
  name: 'AssetStatus',
  description: 'The lifecycle: IN_STOCK, IN_USE and IN_REPAIR move freely between them; any of them may be RETIRED (retireAsset); a RETIRED asset returns to IN_STOCK or is DISPOSED, for good.',
  valuesConfig: {
    RETIRED: { description: 'Out of service (retireAsset); left out of impact analysis.' },
    DISPOSED: { description: 'Gone for good: the asset no longer changes.' },
  },
});
registerEnumType(AssetRelationKind, {
  name: 'AssetRelationKind',
  description: 'A relation reads "from needs to": when `to` fails, `from` is affected.',
  valuesConfig: {
    DEPENDS_ON: { description: 'from depends on to (a service on a database).' },
    RUNS_ON: { description: 'from runs on to (a virtual machine on a host).' },
    CONNECTED_TO: { description: 'from is connected through to (a host to a switch).' },
    INSTALLED_ON: { description: 'from (software) is installed on to.' },
    LICENSED_TO: { description: 'from (a licence) is assigned to to. Carries no dependency: impact does not follow it.' },
  },
});

/** Relations that carry a dependency, followed by impact analysis. */
export const DEPENDENCY_KINDS: readonly AssetRelationKind[] = [
  AssetRelationKind.DEPENDS_ON,
  AssetRelationKind.RUNS_ON,
  AssetRelationKind.CONNECTED_TO,
  AssetRelationKind.INSTALLED_ON,
];

/** The lifecycle; RETIRED is reached only through retireAsset, so a retirement always carries its reason. */
export const ASSET_TRANSITIONS: Record<AssetStatus, readonly AssetStatus[]> = {
  IN_STOCK: [AssetStatus.IN_USE, AssetStatus.IN_REPAIR, AssetStatus.RETIRED],
  IN_USE: [AssetStatus.IN_STOCK, AssetStatus.IN_REPAIR, AssetStatus.RETIRED],
  IN_REPAIR: [AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.RETIRED],
  RETIRED: [AssetStatus.IN_STOCK, AssetStatus.DISPOSED],
  DISPOSED: [],
};

/** Statuses an asset may be created in. */
export const INITIAL_STATUSES: readonly AssetStatus[] = [AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.IN_REPAIR];

/** Assets out of service: no new relations, left out of impact analysis. */
export const OUT_OF_SERVICE: readonly AssetStatus[] = [AssetStatus.RETIRED, AssetStatus.DISPOSED];
