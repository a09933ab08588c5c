// What this tab is doing: the one mutable object the console's modules share. No other
// module keeps state of its own at the top level (the parts in parts.js keep their own).

export const state = {
  file: null, // the file picked or dropped
  kind: null, // "api" or "file": where the selection came from
  records: [], // API importer: the valid records of the file, in the selection's order
  operationId: null, // the operation this tab started or resumed
  expected: null, // users this console gave the run (sent)
  read: null, // records (or users) the file held, for the reconciliation
  unselected: 0, // users of the file left out of the selection
  samples: [], // [time, processed] of the last seconds, for the rate
  poller: null, // the Poller of import.status, while one runs
  lastState: null, // the state last shown, so that a change is announced once
  plan: null, // the sync plan last shown (import.plan), for the confirmation
};
