import type { Migration } from 'kysely';
import * as m20261122_1540 from './2026_11_22_1540_create_foundation';
import * as m20261123_1600 from './2026_11_23_1600_create_directory';
import * as m20261123_1700 from './2026_11_23_1700_create_search_change';
import * as m20261201_0300 from './2026_12_01_0300_create_referrals';
import * as m20261201_0400 from './2026_12_01_0400_widen_referral_indexes';
import * as m20261201_1100 from './2026_12_01_1100_create_import_jobs';
import * as m20261201_1200 from './2026_12_01_1200_create_working_groups';
import * as m20261202_0400 from './2026_12_02_0400_create_report_facts';

/** All migrations in order; listed statically so the built server bundles them too. */
export const migrations: Record<string, Migration> = {
  '2026_11_22_1540_create_foundation': m20261122_1540,
  '2026_11_23_1600_create_directory': m20261123_1600,
  '2026_11_23_1700_create_search_change': m20261123_1700,
  '2026_12_01_0300_create_referrals': m20261201_0300,
  '2026_12_01_0400_widen_referral_indexes': m20261201_0400,
  '2026_12_01_1100_create_import_jobs': m20261201_1100,
  '2026_12_01_1200_create_working_groups': m20261201_1200,
  '2026_12_02_0400_create_report_facts': m20261202_0400,
};
