/**
 * What every step of the GpuMachine lifecycle is given and returns. Steps run in
 * order on one in-memory machine; each changes its status and does its side effects,
 * then says whether to come back and whether the later steps may run this round.
 */
import { setCondition } from '../../api/conditions.js';
import type { GpuMachine, GpuMachineStatus } from '../../api/types.js';
import type { ControllerContext } from '../context.js';

export interface StepResult {
  /** Come back after this long even if nothing changes. */
  requeueAfterMs?: number;
  /** Skip the remaining steps this round (the machine is not ready for them, or is going). */
  halt?: boolean;
  /** Write status, then let the work queue back off (a failure that needs a person or time). */
  backoff?: string;
}

export interface MachineContext extends ControllerContext {
  /** Writes status as it is now, before a side effect that must be recorded first (a launch call). */
  persist(): Promise<void>;
  /** Requeues another object's key on its controller (a machine's request, a replaced machine). */
  enqueueRequest(key: string): void;
}

export type Step = (ctx: MachineContext, m: GpuMachine & { status: GpuMachineStatus }) => Promise<StepResult>;

/** Sets one condition on the machine, observed at its generation. */
export function condition(
  ctx: Pick<ControllerContext, 'clock'>,
  m: GpuMachine & { status: GpuMachineStatus },
  type: string,
  ok: boolean | 'Unknown',
  reason: string,
  message: string,
): void {
  const status = ok === 'Unknown' ? 'Unknown' : ok ? 'True' : 'False';
  m.status.conditions = setCondition(m.status.conditions, { type, status, reason, message }, ctx.clock.now(), m.metadata.generation);
}

export const iso = (ms: number) => new Date(ms).toISOString();
