"""MS106: an operation waits for ACCESS EXCLUSIVE with no lock_timeout -> a guard in front
of it (``[tool.migsafe] lock_timeout``, default 5s). In an atomic migration ``SET LOCAL``
ends with its transaction; a non-atomic one sets it for the session and resets it after
its last operation. When the timeout fires the migration fails cleanly and can be retried,
instead of queueing every query behind it."""

from __future__ import annotations

from migsafe.fix import register
from migsafe.fix.assemble import OperationFix, guard_code


@register
class LockTimeoutFixer:
    rules = ("MS106",)
    operations = None
    opt_in = False

    def fix(self, context, info, index, findings):
        start = OperationFix(index=index, rules=("MS106",),
                             before=[guard_code(context.lock_timeout, info.atomic, start=True)])
        if info.atomic:
            return start
        return [start, OperationFix(index=len(info.operations) - 1, rules=("MS106",),
                                    after=[guard_code(context.lock_timeout, False, start=False)])]
