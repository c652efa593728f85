"""The audit trail: who read callers' data, exported, logged in or out, or changed roles,
memberships and master data, when and from which address (``services.audit_record``)."""
