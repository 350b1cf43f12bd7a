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

registerEnumType(AssetKind, { name: 'AssetKind' });
registerEnumType(AssetStatus, { name: 'AssetStatus' });
