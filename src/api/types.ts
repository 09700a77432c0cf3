/**
 * TypeScript views of the CRDs. The shapes come from crds/*.yaml through
 * src/api/generated/ (`npm run generate`); only the top-level objects, which add
 * Kubernetes metadata, are written here.
 */
import type { KubeObject, ObjectMeta } from '../kube/types.js';
import type { GpuProviderSpec, GpuProviderStatus } from './generated/gpu-provider.js';
import type { GpuMachineSpec, GpuMachineStatus } from './generated/gpu-machine.js';
import type { GpuBudgetSpec, GpuBudgetStatus } from './generated/gpu-budget.js';
import type { GpuRequestSpec, GpuRequestStatus } from './generated/gpu-request.js';

export type {
  CapacityTypeName,
  Condition,
  GpuRequestAwsSpec,
  GpuRequestTalosSpec,
  GpuSpec,
  InterruptionSpec,
  SecretKeyRef,
  TaintSpec,
} from './generated/common.js';
export type { GpuRequestSpec, GpuRequestStatus, InterruptionRecord, LifetimeSpec, Phase } from './generated/gpu-request.js';
export type {
  GpuMachineSpec,
  GpuMachineStatus,
  LaunchIntent,
  MachineInterruption,
  MachinePhase,
  OfferSummary,
} from './generated/gpu-machine.js';
export type { BudgetPeriod, GpuBudgetSpec, GpuBudgetStatus } from './generated/gpu-budget.js';
export type {
  GpuProviderAwsSpec,
  GpuProviderLambdaSpec,
  GpuProviderPaperspaceSpec,
  GpuProviderRunPodSpec,
  GpuProviderSimSpec,
  GpuProviderSpec,
  GpuProviderStatus,
  GpuProviderTalosSpec,
  PriceOverride,
  ProviderTypeName,
  RateLimitSpec,
} from './generated/gpu-provider.js';

export interface GpuRequest extends KubeObject {
  metadata: ObjectMeta;
  spec: GpuRequestSpec;
  status?: GpuRequestStatus;
}

export interface GpuMachine extends KubeObject {
  metadata: ObjectMeta;
  spec: GpuMachineSpec;
  status?: GpuMachineStatus;
}

export interface GpuProvider extends KubeObject {
  metadata: ObjectMeta;
  spec: GpuProviderSpec;
  status?: GpuProviderStatus;
}

export interface GpuBudget extends KubeObject {
  metadata: ObjectMeta;
  spec: GpuBudgetSpec;
  status?: GpuBudgetStatus;
}
