"""Django's SQL for one operation -> the steps of its non-blocking form (migsafe.fix.sql_rewrite)."""

from __future__ import annotations

import pytest

from migsafe.fix.sql_rewrite import CannotRewrite, Step, rewrite_statements, step_code


def _sql(rewrite):
    return [(step.sql, step.reverse) for step in rewrite.steps]


def test_an_inline_foreign_key_is_added_not_valid_then_validated():
    rewrite = rewrite_statements([
        'ALTER TABLE "o" ADD COLUMN "u_id" integer NULL CONSTRAINT "o_u_fk" REFERENCES "u"("id") '
        'DEFERRABLE INITIALLY DEFERRED;',
        'SET CONSTRAINTS "o_u_fk" IMMEDIATE;',
        'CREATE INDEX "o_u_id" ON "o" ("u_id");',
    ], {}, {})
    assert _sql(rewrite) == [
        (['ALTER TABLE "o" ADD COLUMN "u_id" integer NULL'], ['ALTER TABLE "o" DROP COLUMN "u_id" CASCADE']),
        (['ALTER TABLE "o" ADD CONSTRAINT "o_u_fk" FOREIGN KEY ("u_id") REFERENCES "u"("id") '
          'DEFERRABLE INITIALLY DEFERRED NOT VALID'], ['ALTER TABLE "o" DROP CONSTRAINT IF EXISTS "o_u_fk"']),
        (['ALTER TABLE "o" VALIDATE CONSTRAINT "o_u_fk"'], None),
        (['DROP INDEX CONCURRENTLY IF EXISTS "o_u_id"', 'CREATE INDEX CONCURRENTLY "o_u_id" ON "o" ("u_id")'],
         ['DROP INDEX CONCURRENTLY IF EXISTS "o_u_id"']),
    ]


def test_a_unique_constraint_is_built_concurrently_then_attached_using_the_index():
    rewrite = rewrite_statements(
        ['ALTER TABLE "l" ADD CONSTRAINT "l_uniq" UNIQUE ("a", "b") DEFERRABLE INITIALLY DEFERRED;'], {}, {})
    assert _sql(rewrite) == [
        (['DROP INDEX CONCURRENTLY IF EXISTS "l_uniq"',
          'CREATE UNIQUE INDEX CONCURRENTLY "l_uniq" ON "l" ("a", "b")'], ['DROP INDEX CONCURRENTLY IF EXISTS "l_uniq"']),
        (['ALTER TABLE "l" ADD CONSTRAINT "l_uniq" UNIQUE USING INDEX "l_uniq" DEFERRABLE INITIALLY DEFERRED'],
         ['ALTER TABLE "l" DROP CONSTRAINT "l_uniq"']),
    ]


def test_set_not_null_goes_through_a_validated_check():
    rewrite = rewrite_statements(['ALTER TABLE "p" ALTER COLUMN "sku" SET NOT NULL;'], {}, {})
    check = 'ALTER TABLE "p" ADD CONSTRAINT "p_sku_notnull" CHECK ("sku" IS NOT NULL) NOT VALID'
    assert _sql(rewrite) == [
        ([check], ['ALTER TABLE "p" DROP CONSTRAINT IF EXISTS "p_sku_notnull"']),
        (['ALTER TABLE "p" VALIDATE CONSTRAINT "p_sku_notnull"'], None),
        (['ALTER TABLE "p" ALTER COLUMN "sku" SET NOT NULL'], ['ALTER TABLE "p" ALTER COLUMN "sku" DROP NOT NULL']),
        (['ALTER TABLE "p" DROP CONSTRAINT "p_sku_notnull"'], [check]),
    ]


def test_djangos_null_backfill_becomes_a_batched_runpython():
    calls = []

    def backfill(table, column):
        calls.append((table, column))
        return Step([], None, python="backfill_p_sku"), "def backfill_p_sku(apps, schema_editor):\n    pass\n", {"uuid"}

    rewrite = rewrite_statements([
        'UPDATE "p" SET "sku" = \'x\' WHERE "sku" IS NULL;',
        'ALTER TABLE "p" ALTER COLUMN "sku" SET NOT NULL;',
    ], {}, {}, backfill)
    assert calls == [("p", "sku")]
    assert rewrite.steps[0].python == "backfill_p_sku" and rewrite.needs == {"uuid"}
    assert step_code(rewrite.steps[0], 8) == \
        "migrations.RunPython(backfill_p_sku, reverse_code=migrations.RunPython.noop)"


def test_a_dropped_index_is_recreated_from_its_earlier_definition_when_unapplied():
    created = 'CREATE INDEX "t_a_idx" ON "t" ("a");'
    rewrite = rewrite_statements(['DROP INDEX IF EXISTS "t_a_idx";'], {"t_a_idx": created}, {})
    assert _sql(rewrite) == [(['DROP INDEX CONCURRENTLY IF EXISTS "t_a_idx"'], [
        'DROP INDEX CONCURRENTLY IF EXISTS "t_a_idx"', 'CREATE INDEX CONCURRENTLY "t_a_idx" ON "t" ("a")'])]


def test_an_index_dropped_and_rebuilt_identical_is_left_alone():
    like = 'CREATE INDEX "t_s_like" ON "t" ("s" varchar_pattern_ops);'
    rewrite = rewrite_statements(['DROP INDEX IF EXISTS "t_s_like";', like], {"t_s_like": like}, {})
    assert rewrite.steps == []


@pytest.mark.parametrize("statements, reason", [
    (['ALTER TABLE "t" ALTER COLUMN "id" TYPE bigint USING "id"::bigint;'], "no non-blocking form"),
    (['DROP INDEX IF EXISTS "unknown_idx";'], "how index unknown_idx was created is unknown"),
    (['ALTER TABLE "t" DROP CONSTRAINT "t_name_key";'], "how constraint t_name_key was created is unknown"),
    (['UPDATE "p" SET "sku" = \'x\' WHERE "sku" IS NULL;'], "cannot be batched"),
])
def test_what_has_no_safe_form_is_refused_with_the_reason(statements, reason):
    with pytest.raises(CannotRewrite, match=reason):
        rewrite_statements(statements, {}, {})


def test_a_volatile_default_becomes_nullable_column_default_batched_backfill_and_checked_not_null():
    rewrite = rewrite_statements(
        ['ALTER TABLE "e" ADD COLUMN "token" uuid DEFAULT (GEN_RANDOM_UUID()) NOT NULL;'], {}, {},
        volatile_default=True)
    first, backfill, *not_null = rewrite.steps
    assert first.sql == ['ALTER TABLE "e" ADD COLUMN "token" uuid NULL',
                         'ALTER TABLE "e" ALTER COLUMN "token" SET DEFAULT (GEN_RANDOM_UUID())']
    assert backfill.python == "backfill_e_token"
    assert 'SET "token" = DEFAULT WHERE ctid = ANY(ARRAY(SELECT ctid FROM "e" WHERE "token" IS NULL LIMIT 1000))' \
        in rewrite.functions[0]
    assert [step.sql[0].split('"e" ')[1] for step in not_null] == [
        'ADD CONSTRAINT "e_token_notnull" CHECK ("token" IS NOT NULL) NOT VALID',
        'VALIDATE CONSTRAINT "e_token_notnull"',
        'ALTER COLUMN "token" SET NOT NULL',
        'DROP CONSTRAINT "e_token_notnull"',
    ]
