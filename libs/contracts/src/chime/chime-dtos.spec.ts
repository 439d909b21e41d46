import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from './account.dto';
import { CreateBotRequest, ListBotsRequest, PutEventsConfigurationRequest, UpdateBotRequest } from './bot.dto';
import { DeliveryRequestedData } from './chime-deliveries';
import { BotPath } from './chime-patterns';

/** The names of the members that fail validation. */
function invalid<T extends object>(dto: new () => T, input: object): string[] {
  return validateSync(plainToInstance(dto, input), { forbidUnknownValues: false }).map((error) => error.property).sort();
}

describe('Chime request DTOs follow the botocore model', () => {
  it('path ids: NonEmptyString (.*\\S.*)', () => {
    expect(invalid(BotPath, { AccountId: 'acc', BotId: 'bot' })).toEqual([]);
    expect(invalid(BotPath, { AccountId: ' ', BotId: '\t' })).toEqual(['AccountId', 'BotId']);
  });

  it('account names: AccountName, 1..100 and not blank; licenses from the License enum', () => {
    expect(invalid(CreateAccountRequest, { Name: 'Acme' })).toEqual([]);
    for (const Name of ['', '   ', 'x'.repeat(101), 7, undefined]) expect(invalid(CreateAccountRequest, { Name })).toEqual(['Name']);
    expect(invalid(UpdateAccountRequest, {})).toEqual([]);
    expect(invalid(UpdateAccountRequest, { DefaultLicense: 'ProTrial' })).toEqual([]);
    expect(invalid(UpdateAccountRequest, { DefaultLicense: 'Gold' })).toEqual(['DefaultLicense']);
  });

  it('page sizes from the query string: ListAccounts 1..200, ListBots 1..99, integers only', () => {
    expect(invalid(ListAccountsRequest, { MaxResults: '200' })).toEqual([]);
    for (const MaxResults of ['0', '201', '1.5', 'ten']) expect(invalid(ListAccountsRequest, { MaxResults })).toEqual(['MaxResults']);
    expect(invalid(ListBotsRequest, { MaxResults: '99' })).toEqual([]);
    expect(invalid(ListBotsRequest, { MaxResults: '100' })).toEqual(['MaxResults']);
    expect(invalid(ListAccountsRequest, { UserEmail: 'a@b.c' })).toEqual([]);
    expect(invalid(ListAccountsRequest, { UserEmail: 'a@b' })).toEqual(['UserEmail']);
  });

  it('bots: display name up to 55 characters, not blank; domain a DNS name; Disabled a boolean', () => {
    expect(invalid(CreateBotRequest, { DisplayName: 'myBot', Domain: 'example.com' })).toEqual([]);
    for (const DisplayName of ['', ' ', 'x'.repeat(56), 'line\nbreak']) expect(invalid(CreateBotRequest, { DisplayName })).toEqual(['DisplayName']);
    for (const Domain of ['localhost', 'not a domain', '-bad.example.com', ' ']) expect(invalid(CreateBotRequest, { DisplayName: 'b', Domain })).toEqual(['Domain']);
    expect(invalid(UpdateBotRequest, { Disabled: false })).toEqual([]);
    expect(invalid(UpdateBotRequest, { Disabled: 'yes' })).toEqual(['Disabled']);
  });

  it('events configuration: an https URL (http for local endpoints outside production, which the service checks) or a Lambda function ARN', () => {
    expect(invalid(PutEventsConfigurationRequest, { OutboundEventsHTTPSEndpoint: 'https://bots.example.com/hook?x=1' })).toEqual([]);
    expect(invalid(PutEventsConfigurationRequest, { OutboundEventsHTTPSEndpoint: 'http://localhost:8080/hook' })).toEqual([]);
    for (const LambdaFunctionArn of ['arn:aws:lambda:us-east-1:111111111111:function:bot', 'arn:aws:lambda:eu-west-1:111111111111:function:bot:$LATEST', 'arn:aws-us-gov:lambda:us-gov-west-1:111111111111:function:bot:live']) {
      expect(invalid(PutEventsConfigurationRequest, { LambdaFunctionArn })).toEqual([]);
    }
    for (const OutboundEventsHTTPSEndpoint of ['bots.example.com', 'https://', 'ftp://x.example.com/']) {
      expect(invalid(PutEventsConfigurationRequest, { OutboundEventsHTTPSEndpoint })).toEqual(['OutboundEventsHTTPSEndpoint']);
    }
    for (const LambdaFunctionArn of ['arn:aws:s3:::bucket', 'arn:aws:lambda:us-east-1:1111:function:bot', 'arn:aws:lambda:us-east-1:111111111111:function:', 'arn:aws:lambda:us-east-1:111111111111:layer:x']) {
      expect(invalid(PutEventsConfigurationRequest, { LambdaFunctionArn })).toEqual(['LambdaFunctionArn']);
    }
  });

  it('delivery requests: tenant, account, bot and a Chime event body (Invite, Mention, Remove) as events-bots.md shows it', () => {
    const remove = { Sender: { SenderId: 'user@example.com', SenderIdType: 'EmailId' }, Discussion: { DiscussionId: 'room-1', DiscussionType: 'Room' }, EventType: 'Remove', EventTimestamp: '2019-04-04T21:27:29.626Z' };
    const mention = { ...remove, EventType: 'Mention', Message: '@bot hello', InboundHttpsEndpoint: { EndpointType: 'ShortLived', Url: 'https://hooks.chime.aws/incomingwebhooks/x' } };
    const request = (event: unknown) => ({ tenant: '111111111111', chimeAccountId: 'acc', botId: 'bot', event });
    expect(invalid(DeliveryRequestedData, request(remove))).toEqual([]);
    expect(invalid(DeliveryRequestedData, request(mention))).toEqual([]);
    expect(invalid(DeliveryRequestedData, { ...request(remove), tenant: '1111' })).toEqual(['tenant']);
    for (const event of [{ ...remove, EventType: 'Join' }, { ...remove, Sender: 'x' }, { ...remove, EventTimestamp: 'yesterday' }, { ...mention, InboundHttpsEndpoint: { EndpointType: 'ShortLived', Url: 'http://x' } }, [remove], 'text']) {
      expect(invalid(DeliveryRequestedData, request(event))).toEqual(['event']);
    }
  });
});
