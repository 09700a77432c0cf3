/** Names shared by the CRDs, the controllers and the Nodes: one place for all of them. */

export const GROUP = 'gpu-provisioner.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** On a GpuRequest: removed once all of its GpuMachines are gone. */
export const FINALIZER = `${GROUP}/finalizer`;
/** On a GpuMachine: removed once its instance is gone and its Node deleted. */
export const MACHINE_FINALIZER = `${GROUP}/termination`;

/** Labels on GpuMachines and Nodes (and tags on instances) that bind them to their GpuRequest and GpuMachine. */
export const Labels = {
  /** The GpuMachine's name, which is also the instance name and launch idempotency key. */
  machine: `${GROUP}/machine`,
  requestName: `${GROUP}/request-name`,
  requestNamespace: `${GROUP}/request-namespace`,
  requestUid: `${GROUP}/request-uid`,
  capacityType: `${GROUP}/capacity-type`,
  gpuModel: `${GROUP}/gpu-model`,
  cluster: `${GROUP}/cluster`,
  instanceType: 'node.kubernetes.io/instance-type',
  region: 'topology.kubernetes.io/region',
  zone: 'topology.kubernetes.io/zone',
} as const;

/** Taint put on a node that is being interrupted or deleted, so nothing new lands on it. */
export const DISRUPTION_TAINT_KEY = `${GROUP}/disrupted`;

export const GPU_RESOURCE = 'nvidia.com/gpu';

export const ConditionTypes = {
  OfferSelected: 'OfferSelected',
  Launched: 'Launched',
  Registered: 'Registered',
  Initialized: 'Initialized',
  Ready: 'Ready',
  Healthy: 'Healthy',
  Interrupted: 'Interrupted',
  Drained: 'Drained',
  BudgetExceeded: 'BudgetExceeded',
  Terminating: 'Terminating',
  CredentialsValid: 'CredentialsValid',
  Valid: 'Valid',
} as const;

/** Event and condition reasons: short CamelCase words, as Kubernetes uses them. */
export const Reasons = {
  OfferSelected: 'OfferSelected',
  NoOffer: 'NoOfferFits',
  Launching: 'Launching',
  Launched: 'Launched',
  LaunchFailed: 'LaunchFailed',
  InsufficientCapacity: 'InsufficientCapacity',
  QuotaExceeded: 'QuotaExceeded',
  RateLimited: 'RateLimited',
  ProviderError: 'ProviderError',
  WaitingForNode: 'WaitingForNode',
  Registered: 'Registered',
  NodeReady: 'NodeReady',
  NodeNotReady: 'NodeNotReady',
  JoinTimeout: 'JoinTimeout',
  InstanceLost: 'InstanceLost',
  Adopted: 'Adopted',
  Terminating: 'Terminating',
  Draining: 'Draining',
  Terminated: 'Terminated',
  Interrupted: 'Interrupted',
  Replaced: 'Replaced',
  ProviderNotReady: 'ProviderNotReady',
  InvalidSpec: 'InvalidSpec',
  CredentialsValid: 'CredentialsValid',
  CredentialsInvalid: 'CredentialsInvalid',
  CredentialsMissing: 'CredentialsMissing',
  CredentialsCheckFailed: 'CredentialsCheckFailed',
  OrphanTerminated: 'OrphanTerminated',
  NoMatchingRequest: 'NoMatchingRequest',
  MaxDurationReached: 'MaxDurationReached',
  Initialized: 'Initialized',
  Healthy: 'Healthy',
  NodeRepair: 'NodeRepair',
  NodeLost: 'NodeLost',
  Drained: 'Drained',
  DrainTimedOut: 'DrainTimedOut',
  ScaledDown: 'ScaledDown',
  SpecChanged: 'SpecChanged',
  MachineCreated: 'MachineCreated',
  BootstrapFailed: 'BootstrapFailed',
  OrphanNodeDeleted: 'OrphanNodeDeleted',
  BudgetExceeded: 'BudgetExceeded',
  WithinBudget: 'WithinBudget',
  BudgetTerminated: 'BudgetTerminated',
  Valid: 'Valid',
} as const;
