"""Use cases. Each public function here is one transaction: it validates, writes the audit
trail and commits (or rolls back and raises a `ServiceError`)."""

from assessments.services.common import Context, ServiceError

__all__ = ["Context", "ServiceError"]
