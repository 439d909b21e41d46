import { SetMetadata } from '@nestjs/common';

/** Metadata key read by the SigV4 guard: routes carrying it are served without authentication. */
export const PUBLIC_ROUTE = 'rekey:public-route';

/** Marks a controller or route as served without SigV4 (health probes, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
