/**
 * The AWS clients of one GpuProvider (one EC2 client per region, made on first use;
 * Pricing in us-east-1; SQS in the queue's region) and the one way they are called:
 * a single attempt (maxAttempts 1) under the pipeline's signal, failures mapped by
 * errors.ts. Timeouts, retries and rate limits belong to the pipeline.
 */
import { DescribeInstancesCommand, EC2Client, type Filter, type Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { PricingClient } from '@aws-sdk/client-pricing';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../util/clock.js';
import { AuthError } from '../errors.js';
import { PRICING_REGION } from './on-demand-price.js';
import { callSdk } from './sdk-call.js';

export type Ec2InstanceWithId = Ec2Instance & { InstanceId: string };

/** Only the members of a Secret that make up AWS credentials. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsApiOptions {
  clock: Clock;
  /** The Secret's values, decoded; absent keys leave the SDK's default chain in charge. */
  credentials: Record<string, string>;
  endpoint?: string;
  /** Builds the EC2 client for a region; defaults to a real client. */
  ec2Client?: (region: string) => EC2Client;
  pricingClient?: PricingClient;
  /** Builds the SQS client for the interruption queue's region; defaults to a real client. */
  sqsClient?: (region: string) => SQSClient;
}

export class AwsApi {
  readonly secrets: string[];
  private readonly clock: Clock;
  private readonly credentials: StaticCredentials | undefined;
  /** Half a key pair: every call fails with this before reaching AWS. */
  readonly credentialsProblem: string | undefined;
  private readonly endpoint: string | undefined;
  private readonly makeEc2: ((region: string) => EC2Client) | undefined;
  private readonly makeSqs: ((region: string) => SQSClient) | undefined;
  private readonly ec2Clients = new Map<string, EC2Client>();
  private pricing: PricingClient | undefined;

  constructor(opts: AwsApiOptions) {
    this.clock = opts.clock;
    this.secrets = Object.values(opts.credentials).filter((v) => v.length > 0);
    const { accessKeyId, secretAccessKey, sessionToken } = opts.credentials;
    if (accessKeyId && secretAccessKey) {
      this.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    } else if (accessKeyId || secretAccessKey) {
      this.credentialsProblem = 'the credentials Secret needs both accessKeyId and secretAccessKey';
    }
    this.endpoint = opts.endpoint;
    this.makeEc2 = opts.ec2Client;
    this.makeSqs = opts.sqsClient;
    this.pricing = opts.pricingClient;
  }

  /** One SDK call, one attempt. */
  call<T>(operation: string, signal: AbortSignal | undefined, fn: (s: AbortSignal | undefined) => Promise<T>): Promise<T> {
    if (this.credentialsProblem) return Promise.reject(new AuthError(this.credentialsProblem));
    return callSdk(operation, signal, fn, { now: () => this.clock.now(), secrets: this.secrets });
  }

  /** Every page of DescribeInstances, instances without an id dropped. */
  async describeInstances(
    region: string,
    input: { InstanceIds?: string[]; Filters?: Filter[] },
    signal?: AbortSignal,
  ): Promise<Ec2InstanceWithId[]> {
    const out: Ec2InstanceWithId[] = [];
    let next: string | undefined;
    do {
      const page = await this.call('DescribeInstances', signal, (s) =>
        this.ec2(region).send(new DescribeInstancesCommand({ ...input, NextToken: next }), { abortSignal: s }),
      );
      for (const r of page.Reservations ?? []) {
        for (const i of r.Instances ?? []) if (i.InstanceId) out.push(i as Ec2InstanceWithId);
      }
      next = page.NextToken || undefined;
    } while (next);
    return out;
  }

  ec2(region: string): EC2Client {
    let client = this.ec2Clients.get(region);
    if (!client) {
      client = this.makeEc2?.(region) ?? new EC2Client({ region, maxAttempts: 1, ...this.clientAuth() });
      this.ec2Clients.set(region, client);
    }
    return client;
  }

  pricingClient(): PricingClient {
    this.pricing ??= new PricingClient({
      region: PRICING_REGION,
      maxAttempts: 1,
      ...(this.credentials ? { credentials: this.credentials } : {}),
    });
    return this.pricing;
  }

  sqs(region: string): SQSClient {
    return this.makeSqs?.(region) ?? new SQSClient({ region, maxAttempts: 1, ...this.clientAuth() });
  }

  private clientAuth() {
    return {
      ...(this.credentials ? { credentials: this.credentials } : {}),
      ...(this.endpoint ? { endpoint: this.endpoint } : {}),
    };
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
