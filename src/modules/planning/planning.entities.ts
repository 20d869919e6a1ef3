import { PlanActivity, PlanCard, PlanCardEvent } from './plan-card.entity.js';
import { PlanMaster, PlanResource, ResourceLeave, ResourceScheduleEntry } from './plan-resource.entity.js';
import { PlanningSettings } from './planning-settings.entity.js';

export const PLANNING_ENTITIES = [PlanCard, PlanActivity, PlanCardEvent, PlanResource, ResourceScheduleEntry, ResourceLeave, PlanMaster, PlanningSettings];
