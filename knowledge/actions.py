"""Each editorial workflow action's service call, written once.

The REST action endpoints (``knowledge/api/views.py``) and the editor's workflow buttons
(``frontend/knowledge/views_editor.py``) hand over the same validated fields under the same
names (``revision``, ``comment``, ``version``) and get the same service call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from callcenter.accounts.models import User
from knowledge import services
from knowledge.models import Service
from knowledge.workflow import Action

ActionRun = Callable[[Service, User, Mapping[str, Any]], Service]

# ``revision`` is optional everywhere: without it the service skips the stale-draft check.
ACTION_RUNS: Final[dict[Action, ActionRun]] = {
    Action.SUBMIT: lambda s, u, d: services.service_submit(
        service=s, actor=u, revision=d.get("revision")
    ),
    Action.APPROVE: lambda s, u, d: services.service_approve(
        service=s, actor=u, revision=d.get("revision")
    ),
    Action.REJECT: lambda s, u, d: services.service_reject(
        service=s, actor=u, comment=d["comment"], revision=d.get("revision")
    ),
    Action.PUBLISH: lambda s, u, d: services.service_publish(
        service=s, actor=u, revision=d.get("revision")
    ),
    Action.ARCHIVE: lambda s, u, d: services.service_archive(
        service=s, actor=u, revision=d.get("revision")
    ),
    Action.RESTORE: lambda s, u, d: services.service_restore(
        service=s, actor=u, version_number=d["version"], revision=d.get("revision")
    ),
}


def service_action_run(
    *, action: Action, service: Service, actor: User, data: Mapping[str, Any]
) -> Service:
    """Run ``action`` on ``service`` with the validated fields of a form or serializer."""
    return ACTION_RUNS[action](service, actor, data)
