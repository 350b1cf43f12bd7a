import { registerEnumType } from 'type-graphql';

/** An Alertmanager alert's status. */
export enum AlertStatus {
  FIRING = 'FIRING',
  RESOLVED = 'RESOLVED',
}

/** What one alert of a notification did. */
export enum AlertOutcome {
  /** A new INCIDENT was opened. */
  OPENED = 'OPENED',
  /** The alert fired again: a note was added to its open incident. */
  REPEATED = 'REPEATED',
  /** The alert was resolved: a note was added to its incident. */
  RESOLVED = 'RESOLVED',
  /** A resolved alert with no incident to note it on. */
  IGNORED = 'IGNORED',
}

registerEnumType(AlertStatus, { name: 'AlertStatus' });
registerEnumType(AlertOutcome, {
  name: 'AlertOutcome',
  description: 'What one alert of a notification did.',
  valuesConfig: {
    OPENED: { description: 'A firing alert with no open incident: an INCIDENT (channel MONITORING) was opened.' },
    REPEATED: { description: 'The alert fired again: an internal note was added to its open incident.' },
    RESOLVED: { description: 'The alert was resolved: an internal note was added to its incident (which stays as it is).' },
    IGNORED: { description: 'A resolved alert that never opened an incident (or whose incident is closed): nothing was written.' },
  },
});
