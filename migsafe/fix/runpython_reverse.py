"""MS402 (opt-in: only with --rule MS402): RunPython without reverse_code ->
``reverse_code=migrations.RunPython.noop``. Only the user knows whether doing nothing is a
correct reverse, which is why it never runs unasked."""

from __future__ import annotations

import libcst as cst

from migsafe.fix import register
from migsafe.fix.assemble import INDENT, OperationFix, operation_element, reindent


@register
class RunPythonReverseFixer:
    rules = ("MS402",)
    operations = ("RunPython",)
    opt_in = True

    def fix(self, context, info, index, findings):
        element = operation_element(context.source(info.path), index)
        if isinstance(element, str):
            return element
        call = cst.parse_expression(element.code)
        if not isinstance(call, cst.Call) or any(a.keyword and a.keyword.value == "reverse_code" for a in call.args) \
                or len([a for a in call.args if a.keyword is None]) > 1:
            return "the call already passes a reverse (or is not a plain RunPython(...) call)"
        args = list(call.args)
        last = args[-1]
        new = cst.Arg(keyword=cst.Name("reverse_code"), value=cst.parse_expression("migrations.RunPython.noop"),
                      equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                            whitespace_after=cst.SimpleWhitespace("")))
        if isinstance(last.comma, cst.Comma):  # one argument per line: the new one goes on its own line
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=call.whitespace_before_args))
            args.append(new.with_changes(comma=last.comma))
        else:
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(new)
        code = cst.Module(body=[]).code_for_node(call.with_changes(args=args))
        return OperationFix(index=index, rules=("MS402",), now=[reindent(code, element.column, INDENT)])
