import { Module } from '@nestjs/common';
import { LocationsModule } from '../locations/locations.module.js';
import { LedgersService } from './ledgers.service.js';
import { LedgersSync } from './ledgers.sync.js';
import { LedgerPagesService } from './ledger-pages.service.js';
import { LedgerSettingsService } from './ledger-settings.service.js';
import { LedgersController } from './ledgers.controller.js';
import { LocationExactController } from './location-exact.controller.js';
import { LocationExactService } from './location-exact.service.js';

/**
 * GL accounts, journals, VAT codes and mapping, cost centres/units, and the Exact administration of
 * each location. Other modules use LedgersService (exportLookup, salesJournalFor, preflightVatRate).
 */
@Module({
  imports: [LocationsModule],
  providers: [LedgersService, LedgersSync, LedgerSettingsService, LedgerPagesService, LocationExactService],
  controllers: [LedgersController, LocationExactController],
  exports: [LedgersService, LedgersSync, LedgerSettingsService],
})
export class LedgersModule {}
