/**
 * AWS EC2 (spot and on-demand) through the official SDK v3.
 *
 * The adapter is the CloudProvider face of three parts split by concern: the
 * catalogue and its prices (catalogue.ts), this cluster's instances (instances.ts),
 * and interruptions (interruptions.ts), sharing one set of clients (api.ts).
 */
import { DescribeAvailabilityZonesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { PricingClient } from '@aws-sdk/client-pricing';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { GpuProviderSpec } from '../../api/types.js';
import type { Logger } from '../../util/logger.js';
import { AuthError } from '../errors.js';
import type {
  Capabilities,
  CloudProvider,
  Instance,
  InterruptionNotice,
  LaunchRequest,
  Offer,
  ProviderContext,
  ProviderType,
} from '../types.js';
import { AwsApi } from './api.js';
import { AwsCatalogue, type CatalogueOptions } from './catalogue.js';
import { AWS_CAPABILITIES } from './definition.js';
import { AwsInstances } from './instances.js';
import { AwsInterruptions } from './interruptions.js';
import { PRICING_REGION } from './on-demand-price.js';

export interface AwsProviderOptions extends CatalogueOptions {
  /**
   * How long after launch a NotFound from DescribeInstances is read as EC2's eventual
   * consistency rather than loss (default 2 minutes).
   */
  launchGraceMs?: number;
  /** Long-poll wait of the interruption queue in seconds (default and maximum 20). */
  interruptionWaitSeconds?: number;
  /** Builds the EC2 client for a region; defaults to a real client. */
  ec2Client?: (region: string) => EC2Client;
  pricingClient?: PricingClient;
  /** Builds the SQS client for the interruption queue's region; defaults to a real client. */
  sqsClient?: (region: string) => SQSClient;
}

export class AwsProvider implements CloudProvider {
  readonly type: ProviderType = 'aws';
  readonly capabilities: Capabilities = AWS_CAPABILITIES;

  private readonly api: AwsApi;
  private readonly regions: string[];
  private readonly catalogue: AwsCatalogue;
  private readonly instances: AwsInstances;
  private readonly interruptions: AwsInterruptions;

  constructor(
    readonly name: string,
    spec: GpuProviderSpec,
    ctx: Pick<ProviderContext, 'clusterName' | 'credentials' | 'clock' | 'logger' | 'baseUrl'>,
    options: AwsProviderOptions = {},
  ) {
    const logger: Logger = ctx.logger.child({ provider: name, providerType: 'aws' });
    this.regions = [...new Set(spec.regions ?? [])];
    this.api = new AwsApi({
      clock: ctx.clock,
      credentials: ctx.credentials,
      endpoint: ctx.baseUrl,
      ec2Client: options.ec2Client,
      pricingClient: options.pricingClient,
      sqsClient: options.sqsClient,
    });
    this.catalogue = new AwsCatalogue(name, spec, this.api, ctx.clock, logger, options);
    this.instances = new AwsInstances(name, spec, this.regions, ctx.clusterName, this.api, this.catalogue, ctx.clock, logger, options.launchGraceMs);
    this.interruptions = new AwsInterruptions(name, ctx.clusterName, this.api, this.instances, ctx.clock, logger, {
      queueUrl: spec.aws?.interruptionQueueUrl,
      waitSeconds: options.interruptionWaitSeconds,
    });
  }

  async listOffers(signal?: AbortSignal): Promise<Offer[]> {
    return this.catalogue.listOffers(this.instances.requireRegions(), signal);
  }

  create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    return this.instances.create(req, signal);
  }

  get(id: string, signal?: AbortSignal): Promise<Instance> {
    return this.instances.get(id, signal);
  }

  list(signal?: AbortSignal): Promise<Instance[]> {
    return this.instances.list(signal);
  }

  delete(id: string, signal?: AbortSignal): Promise<void> {
    return this.instances.delete(id, signal);
  }

  async checkCredentials(signal?: AbortSignal): Promise<void> {
    const region = this.regions[0] ?? PRICING_REGION;
    await this.api.call('DescribeAvailabilityZones', signal, (s) =>
      this.api.ec2(region).send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: false }), { abortSignal: s }),
    );
  }

  /**
   * With spec.aws.interruptionQueueUrl: one long poll of the EventBridge queue (up to
   * 20 s). Without it: the state of this cluster's instances. Each notice once.
   */
  async pollInterruptions(signal?: AbortSignal): Promise<InterruptionNotice[]> {
    if (this.api.credentialsProblem) throw new AuthError(this.api.credentialsProblem);
    return this.interruptions.poll(signal);
  }
}
