import type { EntityDef } from '../entity.types.js';
import { HR_ENTITIES } from './planning.hr.js';
import { MANUFACTURING_ENTITIES } from './planning.manufacturing.js';
import { ORDER_ENTITIES } from './planning.orders.js';
import { PROJECT_ENTITIES } from './planning.projects.js';

/** The planning side of the sandbox (issue #14): registered in entities.registry.ts with one line. */
export const PLANNING_ENTITIES: EntityDef[] = [...ORDER_ENTITIES, ...MANUFACTURING_ENTITIES, ...PROJECT_ENTITIES, ...HR_ENTITIES];
