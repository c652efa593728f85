from __future__ import annotations

from callcenter.accounts.capabilities import Capability, capability_permission
from knowledge.selectors import READ_CAPABILITIES

# Every role of the centre reads published content (agents, clerks, editors, …).
CanReadKnowledge = capability_permission(*READ_CAPABILITIES)
# Editors and reviewers; the workflow decides which action each of them may take.
CanWorkOnKnowledge = capability_permission(Capability.EDIT_KNOWLEDGE, Capability.REVIEW_KNOWLEDGE)
