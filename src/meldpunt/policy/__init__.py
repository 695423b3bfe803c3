"""The access policy: who may see what and who may do what (P1). One layer, one place an auditor reads:
every view, selector, service and the API asks a named function here; no role is checked anywhere else
(tests/test_policy_layer.py keeps it so).

- ``pages``: which roles open each page or API resource (``PAGE_ROLES``), and which only look.
- ``signals``: which signals a user reads, and who registers, forwards, reveals, weighs and steps.
- ``cases``: which casussen a user reads, and who manages, joins, invites, releases and carries out.
- ``registries``: registry details behind source research, and related records by name.
- ``actions``: source research requests and privacy check 1, and retention (destruction lists, holds).

The transition tables (``protocol.transitions``) keep their role columns as data; ``may_take_transition``
reads them.
"""

from .actions import (
    BRONHOUDER_ROLES,
    COMPOSER_ROLES,
    EXECUTOR_ROLES,
    HOLD_ROLES,
    PC1_ROLES,
    REQUESTER_ROLES,
    destruction_reviewer_roles,
    may_answer_as_bronhouder,
    may_cancel_destruction_list,
    may_compose_destruction_list,
    may_decide_pc1,
    may_execute_destruction_list,
    may_place_legal_hold,
    may_request_sources,
    may_review_destruction_list,
    may_set_retention_terms,
    records_for,
)
from .base import active, gemeenten_with, granted, granted_on, holders, holds, members, owner
from .cases import (
    MANAGER_ROLES,
    TEAM_ROLES,
    cases_visible_to,
    may_be_invited,
    may_decide_release,
    may_join_team,
    may_lead_casus,
    may_manage_casus,
    may_organise_meeting,
    may_own_intervention,
    reads_released_actions,
    reads_released_meetings,
    released_interventions,
    released_seats,
)
from .pages import (
    OWN_SETTING_PAGES,
    PAGE_ROLES,
    READ_ONLY_ROLES,
    beeld_gemeenten,
    may_change,
    may_change_own_notification_preference,
    may_follow_job,
    may_open,
    may_open_regional_beeld,
    on_page,
    page_gemeenten,
    pages_for,
)
from .regio import (
    REGIONAL_DECIDER_ROLES,
    REGIONAL_READER_ROLES,
    REGIONAL_SUPERVISOR_ROLES,
    may_read_regional_answers,
    may_weigh_regional_request,
    regional_questions_supervised,
    regional_requests_supervised,
    regional_requests_to_weigh,
)
from .registries import (
    DETAIL_READER_ROLES,
    DETAIL_REQUEST_ROLES,
    DETAIL_REQUEST_STATES,
    RELATED_GROUP_FIELDS,
    approved_detail_fields,
    may_ask_details,
    may_read_registry_details,
    may_request_details,
    related_identity_groups,
)
from .signals import (
    CALL_REGISTRAR_ROLES,
    CALLBACK_ROLES,
    CASE_STATES,
    CASUS_WEGING_ROLES,
    FORWARD_ROLES,
    INTAKE_STATES,
    QUEUE_ROLES,
    REGIE_STATES,
    REVEAL_ROLES,
    STAFF_CHANNELS,
    SUBJECT_CHANGE_ROLES,
    TEAM_STATES,
    WEGING_ROLES,
    may_change_subjects,
    may_forward,
    may_read_reporter_contact,
    may_read_signal,
    may_register_channel,
    may_reveal_sealed,
    may_take_transition,
    may_take_weging,
    note_signal_read,
    signals_visible_to,
    subject_change_refusal,
    weging_roles,
)

__all__ = [
    "BRONHOUDER_ROLES", "CALL_REGISTRAR_ROLES", "CALLBACK_ROLES", "CASE_STATES", "CASUS_WEGING_ROLES", "COMPOSER_ROLES",
    "DETAIL_READER_ROLES", "DETAIL_REQUEST_ROLES", "DETAIL_REQUEST_STATES", "EXECUTOR_ROLES", "FORWARD_ROLES",
    "HOLD_ROLES", "INTAKE_STATES",
    "QUEUE_ROLES", "MANAGER_ROLES", "OWN_SETTING_PAGES", "PAGE_ROLES", "PC1_ROLES", "READ_ONLY_ROLES",
    "REGIE_STATES", "REGIONAL_DECIDER_ROLES", "REGIONAL_READER_ROLES", "REGIONAL_SUPERVISOR_ROLES",
    "RELATED_GROUP_FIELDS", "REQUESTER_ROLES", "REVEAL_ROLES", "STAFF_CHANNELS",
    "SUBJECT_CHANGE_ROLES", "TEAM_ROLES",
    "TEAM_STATES", "WEGING_ROLES", "active", "approved_detail_fields", "cases_visible_to",
    "destruction_reviewer_roles", "gemeenten_with", "granted", "granted_on", "holders", "holds", "members",
    "owner", "records_for",
    "may_answer_as_bronhouder", "may_ask_details", "may_be_invited",
    "may_cancel_destruction_list", "may_change", "may_change_own_notification_preference", "may_change_subjects",
    "may_compose_destruction_list",
    "may_decide_pc1",
    "may_decide_release", "may_execute_destruction_list", "may_forward", "may_join_team", "may_lead_casus",
    "beeld_gemeenten",
    "may_follow_job", "may_manage_casus", "may_open", "may_organise_meeting", "may_own_intervention",
    "may_place_legal_hold",
    "may_read_regional_answers", "may_weigh_regional_request", "regional_questions_supervised",
    "regional_requests_supervised", "regional_requests_to_weigh",
    "may_read_registry_details", "may_read_reporter_contact", "may_read_signal", "may_register_channel",
    "may_request_details",
    "may_request_sources", "may_reveal_sealed", "may_review_destruction_list", "may_set_retention_terms",
    "may_take_transition",
    "may_open_regional_beeld",
    "may_take_weging", "note_signal_read", "on_page",
    "page_gemeenten", "pages_for", "reads_released_actions", "reads_released_meetings",
    "related_identity_groups", "released_interventions", "released_seats",
    "signals_visible_to", "subject_change_refusal", "weging_roles",
]
