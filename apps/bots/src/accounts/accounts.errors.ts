import { ServiceError } from '@rekey/aws-protocol';

/** What a missing, deleted or another tenant's account answers. */
export const accountNotFound = (id: string) => new ServiceError('NotFound', `The account ${id} was not found`);
