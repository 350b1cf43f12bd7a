import { registerEnumType } from 'type-graphql';

export enum ChangeApprovalStatus {
  REQUESTED = 'REQUESTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}

registerEnumType(ChangeApprovalStatus, {
  name: 'ChangeApprovalStatus',
  valuesConfig: {
    REQUESTED: { description: 'Waiting for one of the approvers.' },
    APPROVED: { description: 'An approver approved: the change may be resolved.' },
    REJECTED: { description: 'An approver rejected: approval may be requested again.' },
  },
});
