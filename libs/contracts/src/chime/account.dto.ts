import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { CHIME_NON_EMPTY } from './chime-patterns';

/** `License` enum of the model. */
export const CHIME_LICENSES = ['Basic', 'Plus', 'Pro', 'ProTrial'] as const;
export type ChimeLicense = (typeof CHIME_LICENSES)[number];

/** `AccountType` enum; CreateAccount makes `Team` accounts only, as Chime does. */
export type ChimeAccountType = 'Team' | 'EnterpriseDirectory' | 'EnterpriseLWA' | 'EnterpriseOIDC';

/** `AccountStatus` enum. */
export type ChimeAccountStatus = 'Active' | 'Suspended';

/** `ProfileServiceMaxResults`: ListAccounts' page size, 1..200, 100 by default. */
export const LIST_ACCOUNTS_LIMITS = { min: 1, max: 200, default: 100 };

export class CreateAccountRequest {
  /** `AccountName`: 1..100 characters, `.*\S.*`. */
  @IsString()
  @Length(1, 100)
  @Matches(CHIME_NON_EMPTY, { message: 'must contain a non-blank character' })
  Name!: string;
}

export class UpdateAccountRequest {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(CHIME_NON_EMPTY, { message: 'must contain a non-blank character' })
  Name?: string;

  @IsOptional()
  @IsIn(CHIME_LICENSES)
  DefaultLicense?: ChimeLicense;
}

/** ListAccounts' query string (`name`, `user-email`, `next-token`, `max-results`) under the model's member names. */
export class ListAccountsRequest {
  /** An account name prefix. */
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(CHIME_NON_EMPTY, { message: 'must contain a non-blank character' })
  Name?: string;

  /** `EmailAddress`: `.+@.+\..+`. */
  @IsOptional()
  @IsString()
  @Matches(/^.+@.+\..+$/, { message: 'must be an email address' })
  UserEmail?: string;

  @IsOptional()
  @IsString()
  NextToken?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(LIST_ACCOUNTS_LIMITS.min)
  @Max(LIST_ACCOUNTS_LIMITS.max)
  MaxResults?: number;
}

/** The model's `Account` structure as the API answers it (timestamps ISO 8601). */
export interface AccountView {
  /** The AWS account (tenant) that owns the Chime account. */
  AwsAccountId: string;
  AccountId: string;
  Name: string;
  AccountType: ChimeAccountType;
  CreatedTimestamp: string;
  DefaultLicense: ChimeLicense;
  SupportedLicenses: ChimeLicense[];
  AccountStatus: ChimeAccountStatus;
}
