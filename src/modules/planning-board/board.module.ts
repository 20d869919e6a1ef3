import { Module } from '@nestjs/common';
import { PlanningPlanService } from '../planning/planning-plan.service.js';
import { BoardService } from './board.service.js';
import { BoardController } from './board.controller.js';

/**
 * Planning → Board. Plans only through the planning module's PlanningPlanService (provided here until the
 * planning module exports it; it needs nothing but the EntityManager).
 */
@Module({
  providers: [PlanningPlanService, BoardService],
  controllers: [BoardController],
  exports: [PlanningPlanService],
})
export class PlanningBoardModule {}
