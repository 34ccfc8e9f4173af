"""Access roles: what a signed-in user may do in the web app and the API.

Not the stakeholder's department (:class:`kpibridge.model.Role`): a finance stakeholder may be
an admin, a member or a viewer. Roles are ordered; each includes the rights of those below it.
"""

from __future__ import annotations

from enum import StrEnum


class AccessRole(StrEnum):
    ADMIN = "admin"  # manages accounts, and everything below
    FACILITATOR = "facilitator"  # opens, closes and adopts alignment rounds
    MEMBER = "member"  # takes part: ballots, proposals
    VIEWER = "viewer"  # reads scorecard, KPIs, goals, results


_RANK = {AccessRole.VIEWER: 0, AccessRole.MEMBER: 1, AccessRole.FACILITATOR: 2, AccessRole.ADMIN: 3}


def allows(role: AccessRole, needed: AccessRole) -> bool:
    """Whether ``role`` has at least the rights of ``needed``.

    >>> allows(AccessRole.ADMIN, AccessRole.MEMBER), allows(AccessRole.VIEWER, AccessRole.MEMBER)
    (True, False)
    """
    return _RANK[role] >= _RANK[needed]
