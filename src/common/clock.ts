import { Injectable } from '@nestjs/common';

/** The current time, behind an injectable so jobs and tests can control it. */
@Injectable()
export class Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  /** Today's date as YYYY-MM-DD (UTC, as Koppel's business dates have always been), for dates people see and filter on. */
  today(): string {
    return this.now().toISOString().slice(0, 10);
  }
  /** For tests and the sandbox demo: move this process's clock. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
