import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { PlanningPeopleService } from '../planning/planning-people.service.js';
import { TimeService } from './time.service.js';
import { TimeController } from './time.controller.js';

/**
 * Time (issue 16): entries, the week timesheet, approval, employees ↔ users. Sending approved hours to Exact is the
 * planning-outgoing module's work (it imports this one and reads/marks entries through TimeService).
 */
@Module({
  imports: [UsersModule],
  providers: [PlanningPeopleService, TimeService],
  controllers: [TimeController],
  exports: [TimeService],
})
export class TimeModule {}
