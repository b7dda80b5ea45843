import type { Migration } from 'kysely';
import * as m20261122_1540 from './2026_11_22_1540_create_foundation';
import * as m20261123_1600 from './2026_11_23_1600_create_directory';
import * as m20261123_1700 from './2026_11_23_1700_create_search_change';
import * as m20261201_0300 from './2026_12_01_0300_create_referrals';
import * as m20261201_0400 from './2026_12_01_0400_widen_referral_indexes';
import * as m20261201_1100 from './2026_12_01_1100_create_import_jobs';
import * as m20261201_1200 from './2026_12_01_1200_create_working_groups';
import * as m20261202_0700 from './2026_12_02_0700_create_privacy';
import * as m20261202_0100 from './2026_12_02_0100_create_referral_messages';
import * as m20261202_0300 from './2026_12_02_0300_add_meeting_reminders';
import * as m20261202_0310 from './2026_12_02_0310_add_minutes_search';
import * as m20261202_0800 from './2026_12_02_0800_create_hsds';
import * as m20261202_0500 from './2026_12_02_0500_create_directory_upkeep';
import * as m20261202_0600 from './2026_12_02_0600_add_mfa_and_audit_chain';
import * as m20261202_0400 from './2026_12_02_0400_create_report_facts';
import * as m20261202_1100 from './2026_12_02_1100_add_agenda_figures';
import * as m20261202_1000 from './2026_12_02_1000_create_report_rollup';
import * as m20261203_0400 from './2026_12_03_0400_create_search_vocabulary';
import * as m20261203_0700 from './2026_12_03_0700_create_hsds_client_window';
import * as m20261203_0500 from './2026_12_03_0500_create_referral_read';
import * as m20261203_0100 from './2026_12_03_0100_create_report_period_rollups';
import * as m20261203_0110 from './2026_12_03_0110_widen_report_fact_indexes';
import * as m20261203_0900 from './2026_12_03_0900_index_location_coordinates';
import * as m20261203_0910 from './2026_12_03_0910_create_taxonomy_state';
import * as m20261203_1000 from './2026_12_03_1000_cover_referral_event_index';
import * as m20261203_1010 from './2026_12_03_1010_add_referral_last_message';

/** All migrations in order; listed statically so the built server bundles them too. */
export const migrations: Record<string, Migration> = {
  '2026_11_22_1540_create_foundation': m20261122_1540,
  '2026_11_23_1600_create_directory': m20261123_1600,
  '2026_11_23_1700_create_search_change': m20261123_1700,
  '2026_12_01_0300_create_referrals': m20261201_0300,
  '2026_12_01_0400_widen_referral_indexes': m20261201_0400,
  '2026_12_01_1100_create_import_jobs': m20261201_1100,
  '2026_12_01_1200_create_working_groups': m20261201_1200,
  '2026_12_02_0700_create_privacy': m20261202_0700,
  '2026_12_02_0100_create_referral_messages': m20261202_0100,
  '2026_12_02_0300_add_meeting_reminders': m20261202_0300,
  '2026_12_02_0310_add_minutes_search': m20261202_0310,
  '2026_12_02_0800_create_hsds': m20261202_0800,
  '2026_12_02_0500_create_directory_upkeep': m20261202_0500,
  '2026_12_02_0600_add_mfa_and_audit_chain': m20261202_0600,
  '2026_12_02_0400_create_report_facts': m20261202_0400,
  '2026_12_02_1100_add_agenda_figures': m20261202_1100,
  '2026_12_02_1000_create_report_rollup': m20261202_1000,
  '2026_12_03_0400_create_search_vocabulary': m20261203_0400,
  '2026_12_03_0700_create_hsds_client_window': m20261203_0700,
  '2026_12_03_0500_create_referral_read': m20261203_0500,
  '2026_12_03_0100_create_report_period_rollups': m20261203_0100,
  '2026_12_03_0110_widen_report_fact_indexes': m20261203_0110,
  '2026_12_03_0900_index_location_coordinates': m20261203_0900,
  '2026_12_03_0910_create_taxonomy_state': m20261203_0910,
  '2026_12_03_1000_cover_referral_event_index': m20261203_1000,
  '2026_12_03_1010_add_referral_last_message': m20261203_1010,
};
