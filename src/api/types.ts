/**
 * TypeScript views of the CRDs. The shapes come from crds/*.yaml through
 * src/api/generated/ (`npm run generate`); only the top-level objects, which add
 * Kubernetes metadata, are written here.
 */
import type { KubeObject, ObjectMeta } from '../kube/types.js';
import type { GpuProviderSpec, GpuProviderStatus } from './generated/gpu-provider.js';
import type { GpuRequestSpec, GpuRequestStatus } from './generated/gpu-request.js';

export type { Condition, SecretKeyRef } from './generated/common.js';
export type {
  CapacityTypeName,
  GpuRequestAwsSpec,
  GpuRequestSpec,
  GpuRequestStatus,
  GpuRequestTalosSpec,
  GpuSpec,
  InterruptionRecord,
  InterruptionSpec,
  LifetimeSpec,
  NodeInterruption,
  NodeState,
  NodeStatus,
  OfferSummary,
  Phase,
  TaintSpec,
} from './generated/gpu-request.js';
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

export interface GpuProvider extends KubeObject {
  metadata: ObjectMeta;
  spec: GpuProviderSpec;
  status?: GpuProviderStatus;
}
