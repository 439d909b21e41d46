import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { AwsOperation, Operation, ServiceError, targetOperation, Tenant, validateInput } from '@rekey/aws-protocol';
import {
  CloseTunnelRequest,
  DescribeTunnelRequest,
  ListTagsForResourceRequest,
  ListTunnelsRequest,
  OpenTunnelRequest,
  RotateTunnelAccessTokenRequest,
  TagTunnelRequest,
  TUNNEL_OPERATIONS,
  TunnelOperation,
  TUNNELS_TARGET_PREFIX,
  UntagTunnelRequest,
} from '@rekey/contracts';
import { Clock } from './clock';
import { ConnectionState, statusAt, TunnelRecord } from './tunnel';
import { TunnelsService } from './tunnels.service';

/** awsJson1_1 timestamps: epoch seconds as JSON numbers. */
const epochSeconds = (date: Date) => date.getTime() / 1000;

/** The AWS IoT Secure Tunneling API: every operation is `POST /`, named by `X-Amz-Target`. */
@Controller()
export class TunnelsController {
  private readonly operations: Record<TunnelOperation, (tenant: string, body: unknown) => Promise<object>> = {
    OpenTunnel: async (tenant, body) => {
      const opened = await this.service.open(tenant, validateInput(OpenTunnelRequest, body));
      const { tunnel, sourceAccessToken, destinationAccessToken } = opened;
      return { tunnelId: tunnel.id, tunnelArn: tunnel.arn, sourceAccessToken, destinationAccessToken };
    },
    RotateTunnelAccessToken: async (tenant, body) => {
      const { tunnel, tokens } = await this.service.rotate(tenant, validateInput(RotateTunnelAccessTokenRequest, body));
      return { tunnelArn: tunnel.arn, sourceAccessToken: tokens.SOURCE, destinationAccessToken: tokens.DESTINATION };
    },
    DescribeTunnel: async (tenant, body) => {
      const tunnel = await this.service.describe(tenant, validateInput(DescribeTunnelRequest, body).tunnelId);
      return { tunnel: this.tunnelOut(tunnel) };
    },
    ListTunnels: async (tenant, body) => {
      const { tunnels, nextToken } = await this.service.list(tenant, validateInput(ListTunnelsRequest, body));
      return { tunnelSummaries: tunnels.map((tunnel) => this.summaryOut(tunnel)), nextToken };
    },
    CloseTunnel: async (tenant, body) => {
      await this.service.close(tenant, validateInput(CloseTunnelRequest, body));
      return {};
    },
    TagResource: async (tenant, body) => {
      await this.service.tag(tenant, validateInput(TagTunnelRequest, body));
      return {};
    },
    UntagResource: async (tenant, body) => {
      await this.service.untag(tenant, validateInput(UntagTunnelRequest, body));
      return {};
    },
    ListTagsForResource: async (tenant, body) => ({ tags: await this.service.listTags(tenant, validateInput(ListTagsForResourceRequest, body).resourceArn) }),
  };

  constructor(
    private readonly service: TunnelsService,
    private readonly clock: Clock,
  ) {}

  @Post()
  @AwsOperation(targetOperation(TUNNELS_TARGET_PREFIX, TUNNEL_OPERATIONS))
  @HttpCode(200)
  @Header('content-type', 'application/x-amz-json-1.1')
  dispatch(@Operation() operation: TunnelOperation | undefined, @Tenant() tenant: string, @Body() body: unknown): Promise<object> {
    if (operation === undefined) throw new ServiceError('UnknownOperation', 'Unknown operation');
    return this.operations[operation](tenant, body);
  }

  private summaryOut(tunnel: TunnelRecord) {
    return {
      tunnelId: tunnel.id,
      tunnelArn: tunnel.arn,
      status: statusAt(tunnel, this.clock.now()),
      description: tunnel.description,
      createdAt: epochSeconds(tunnel.createdAt),
      lastUpdatedAt: epochSeconds(tunnel.lastUpdatedAt),
    };
  }

  private tunnelOut(tunnel: TunnelRecord) {
    const open = statusAt(tunnel, this.clock.now()) === 'OPEN';
    // Nothing stays connected to a closed tunnel, whatever was last recorded.
    const connection = (state: ConnectionState) => ({ status: open ? state.status : 'DISCONNECTED', lastUpdatedAt: epochSeconds(state.lastUpdatedAt) });
    return {
      ...this.summaryOut(tunnel),
      sourceConnectionState: connection(tunnel.sourceConnectionState),
      destinationConnectionState: connection(tunnel.destinationConnectionState),
      destinationConfig: tunnel.destinationConfig,
      timeoutConfig: { maxLifetimeTimeoutMinutes: tunnel.lifetimeMinutes },
      tags: tunnel.tags.length > 0 ? tunnel.tags : undefined,
    };
  }
}
