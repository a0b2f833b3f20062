"""MS103 / MS104: AddIndex / RemoveIndex in a transaction -> AddIndexConcurrently /
RemoveIndexConcurrently in a migration with ``atomic = False`` (in place when nothing else
is in the migration, else in a follow-up migration right after it)."""

from __future__ import annotations

import libcst as cst

from migsafe.fix import register
from migsafe.fix.assemble import INDENT, OperationFix, operation_element, reindent
from migsafe.fix.cst import renamed_call

POSTGRES_OPERATIONS = "django.contrib.postgres.operations"
REPLACEMENT = {"AddIndex": "AddIndexConcurrently", "RemoveIndex": "RemoveIndexConcurrently"}


def concurrent_call(code: str) -> str:
    """The call with its function renamed, arguments kept as written."""
    func = cst.parse_expression(code).func
    return renamed_call(code, REPLACEMENT[func.attr.value if isinstance(func, cst.Attribute) else func.value])


@register
class IndexConcurrentlyFixer:
    rules = ("MS103", "MS104")
    operations = ("AddIndex", "RemoveIndex")
    opt_in = False

    def fix(self, context, info, index, findings):
        element = operation_element(context.source(info.path), index)
        if isinstance(element, str):
            return element
        class_name = info.operations[index].class_name
        return OperationFix(
            index=index,
            rules=tuple(sorted({f.rule for f in findings})),
            now=[],
            later=[reindent(concurrent_call(element.code), element.column, INDENT)],
            later_atomic=False,
            imports=[(POSTGRES_OPERATIONS, REPLACEMENT[class_name])],
            suffix="concurrently",
            later_trailing=element.comment,
        )
