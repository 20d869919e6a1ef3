import { LoginThrottleRow, SessionRow } from './session.entity.js';
import { User } from '../modules/users/user.entity.js';
import { Location } from '../modules/locations/location.entity.js';

/** Every entity of the application, registered once for MikroORM and the migration generator. */
export const ENTITIES = [SessionRow, LoginThrottleRow, User, Location];
