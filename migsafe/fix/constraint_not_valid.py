"""MS105: AddConstraint(CheckConstraint) on an existing table -> AddConstraintNotValid (no
scan, brief lock) where it was, and ValidateConstraint (SHARE UPDATE EXCLUSIVE: reads and
writes go on) in a follow-up migration, so the validation is not inside the transaction
that holds the ADD's lock."""

from __future__ import annotations

from migsafe.fix import register
from migsafe.fix.assemble import INDENT, OperationFix, operation_element, reindent
from migsafe.fix.cst import renamed_call

POSTGRES_OPERATIONS = "django.contrib.postgres.operations"


@register
class ConstraintNotValidFixer:
    rules = ("MS105",)
    operations = ("AddConstraint",)
    opt_in = False

    def fix(self, context, info, index, findings):
        operation = info.operations[index].operation
        if type(operation.constraint).__name__ != "CheckConstraint":
            return "only check constraints can be added NOT VALID by AddConstraintNotValid"
        element = operation_element(context.source(info.path), index)
        if isinstance(element, str):
            return element
        renamed = renamed_call(element.code, "AddConstraintNotValid")
        return OperationFix(
            index=index,
            rules=("MS105",),
            now=[reindent(renamed, element.column, INDENT)],
            now_comment="migsafe fix (MS105): added NOT VALID here, validated in the next migration.",
            later=[f"ValidateConstraint(model_name={operation.model_name!r}, name={operation.constraint.name!r})"
                   .replace("'", '"')],
            imports=[(POSTGRES_OPERATIONS, "AddConstraintNotValid"), (POSTGRES_OPERATIONS, "ValidateConstraint")],
            comment="Validates the constraint added NOT VALID by the previous migration: a full scan,\n"
                    "but under SHARE UPDATE EXCLUSIVE, so reads and writes go on.",
            suffix="validate",
        )
