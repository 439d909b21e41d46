import { describeAppOnRealInfrastructure } from '@rekey/testing';
import { ChatGatewayAppModule } from '../src/gateway.module';

describeAppOnRealInfrastructure('chat-gateway', (config) => ChatGatewayAppModule.register(config));
