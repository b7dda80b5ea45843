import type { ColumnType, Insertable, Selectable } from 'kysely';

/** network_group: a working group (Arbeitskreis, Gremium …) of the network. */
export interface NetworkGroupTable {
  id: string;
  name: string;
  purpose: string | null;
  kind: string;
  district: string | null;
  /** JSON list of directory categories. */
  topics: string;
  visibility: 'members' | 'network';
  is_sample: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  version: number;
}

/** network_member: one membership period of an organisation, a user or a contact without an account. */
export interface NetworkMemberTable {
  id: string;
  group_id: string;
  kind: 'organization' | 'user' | 'contact';
  organization_id: string | null;
  user_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_organization: string | null;
  role: 'chair' | 'deputy' | 'member' | 'guest';
  joined_on: string;
  left_on: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** network_meeting: one meeting of a group; times are UTC instants, shown in Europe/Berlin. */
export interface NetworkMeetingTable {
  id: string;
  group_id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  place_kind: 'location' | 'address' | 'online';
  location_id: string | null;
  address: string | null;
  online_url: string | null;
  proposal_deadline: string | null;
  status: 'scheduled' | 'cancelled';
  ics_uid: string;
  ics_sequence: number;
  invited_at: string | null;
  reminded_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** network_agenda_item: an agenda item, accepted or proposed by a member. */
export interface NetworkAgendaItemTable {
  id: string;
  meeting_id: string;
  position: number;
  title: string;
  description: string | null;
  responsible: string | null;
  planned_minutes: number | null;
  status: 'accepted' | 'proposed' | 'declined';
  proposed_by_member_id: string | null;
  created_at: string;
  updated_at: string;
  /** The attached report figure (JSON of FigureChoice), or null. */
  report_figure: ColumnType<string | null, string | null | undefined, string | null>;
  /** The figure frozen when the minutes were released (JSON of FrozenFigure), or null. */
  report_frozen: ColumnType<string | null, string | null | undefined, string | null>;
}

/** network_invitation: a member's invitation to a meeting and their answer. */
export interface NetworkInvitationTable {
  id: string;
  meeting_id: string;
  member_id: string;
  answer: 'attending' | 'not_attending' | 'maybe' | null;
  answered_at: string | null;
  sent_sequence: number | null;
  sent_at: string | null;
  created_at: string;
  /** When the reminder before the meeting went to this member (once; MEETING_REMINDER_DAYS). */
  reminded_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** network_link: a single-use link for a member without an account; id is the SHA-256 of the token. */
export interface NetworkLinkTable {
  id: string;
  purpose: 'answer' | 'action_done';
  member_id: string;
  meeting_id: string | null;
  action_item_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

/** network_minutes: the minutes of a meeting, draft or released. */
export interface NetworkMinutesTable {
  id: string;
  meeting_id: string;
  status: 'draft' | 'released';
  released_at: string | null;
  released_by: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** network_minutes_entry: notes and decisions for one agenda item. */
export interface NetworkMinutesEntryTable {
  id: string;
  minutes_id: string;
  agenda_item_id: string | null;
  position: number;
  notes: string | null;
  decisions: string | null;
  /** Agenda title, notes and decisions folded (ä = ae = a, ß = ss, lower case) for the minutes search. */
  search_text: ColumnType<string, string | undefined, string>;
}

/** network_minutes_correction: a recorded correction of released minutes with the text before it. */
export interface NetworkMinutesCorrectionTable {
  id: string;
  minutes_id: string;
  at: string;
  by_user_id: string | null;
  reason: string;
  previous: string;
}

/** network_attendance: who was present, excused or absent. */
export interface NetworkAttendanceTable {
  meeting_id: string;
  member_id: string;
  status: 'present' | 'excused' | 'absent';
}

/** network_action_item: a task from the minutes that follows its responsible member until done or dropped. */
export interface NetworkActionItemTable {
  id: string;
  group_id: string;
  meeting_id: string | null;
  agenda_item_id: string | null;
  title: string;
  responsible_member_id: string | null;
  due_on: string | null;
  status: 'open' | 'done' | 'dropped';
  done_at: string | null;
  reminded_due_at: string | null;
  reminded_overdue_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export type NetworkGroupRow = Selectable<NetworkGroupTable>;
export type NetworkMemberRow = Selectable<NetworkMemberTable>;
export type NetworkMeetingRow = Selectable<NetworkMeetingTable>;
export type NetworkAgendaItemRow = Selectable<NetworkAgendaItemTable>;
export type NetworkInvitationRow = Selectable<NetworkInvitationTable>;
export type NetworkMinutesRow = Selectable<NetworkMinutesTable>;
export type NetworkMinutesEntryRow = Selectable<NetworkMinutesEntryTable>;
export type NetworkActionItemRow = Selectable<NetworkActionItemTable>;
export type NewNetworkGroupRow = Insertable<NetworkGroupTable>;
export type NewNetworkMemberRow = Insertable<NetworkMemberTable>;
export type NewNetworkMeetingRow = Insertable<NetworkMeetingTable>;
