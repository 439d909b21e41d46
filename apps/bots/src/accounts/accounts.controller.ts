import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AwsOperation, Operation, selectorOperation, ServiceError, Tenant, validateInput } from '@rekey/aws-protocol';
import { AccountView, CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from '@rekey/contracts';
import { accountPath, bodyOf } from '../shared/path-input';
import { AccountsService } from './accounts.service';

/** Chime account operations (restJson1): wire in, service, wire out. */
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @AwsOperation('CreateAccount')
  @HttpCode(201)
  async create(@Tenant() tenant: string, @Body() body: unknown): Promise<{ Account: AccountView }> {
    return { Account: await this.accounts.create(tenant, validateInput(CreateAccountRequest, bodyOf(body))) };
  }

  @Get()
  @AwsOperation('ListAccounts')
  async list(@Tenant() tenant: string, @Query() query: Record<string, unknown>): Promise<{ Accounts: AccountView[]; NextToken?: string }> {
    const input = validateInput(ListAccountsRequest, { Name: query.name, UserEmail: query['user-email'], NextToken: query['next-token'], MaxResults: query['max-results'] });
    return this.accounts.list(tenant, input);
  }

  @Get(':accountId')
  @AwsOperation('GetAccount')
  async get(@Tenant() tenant: string, @Param('accountId') accountId: string): Promise<{ Account: AccountView }> {
    return { Account: await this.accounts.get(tenant, accountPath(accountId).AccountId) };
  }

  /** UpdateAccount; the other operations on this path (`?operation=...`, sign-in delegate groups) are not served. */
  @Post(':accountId')
  @AwsOperation(selectorOperation('UpdateAccount'))
  @HttpCode(200)
  async update(@Tenant() tenant: string, @Param('accountId') accountId: string, @Operation() operation: string | undefined, @Body() body: unknown): Promise<{ Account: AccountView }> {
    if (operation === undefined) throw new ServiceError('UnknownOperation', 'Unknown operation');
    const path = accountPath(accountId);
    return { Account: await this.accounts.update(tenant, path.AccountId, validateInput(UpdateAccountRequest, bodyOf(body))) };
  }

  @Delete(':accountId')
  @AwsOperation('DeleteAccount')
  @HttpCode(204)
  async delete(@Tenant() tenant: string, @Param('accountId') accountId: string): Promise<void> {
    await this.accounts.delete(tenant, accountPath(accountId).AccountId);
  }
}
