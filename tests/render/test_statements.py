"""Statement splitting: what PostgreSQL would run as separate statements."""

from migsafe.render.statements import normalize, split_statements


def test_single_statement_gets_a_semicolon():
    assert split_statements('ALTER TABLE "t" ADD COLUMN "a" integer NULL') == [
        'ALTER TABLE "t" ADD COLUMN "a" integer NULL;'
    ]


def test_djangos_inline_foreign_key_shape_is_two_statements():
    sql = (
        'ALTER TABLE "o" ADD COLUMN "c_id" bigint NULL CONSTRAINT "fk" REFERENCES "c"("id") '
        'DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS "fk" IMMEDIATE'
    )
    assert split_statements(sql) == [
        'ALTER TABLE "o" ADD COLUMN "c_id" bigint NULL CONSTRAINT "fk" REFERENCES "c"("id") '
        "DEFERRABLE INITIALLY DEFERRED;",
        'SET CONSTRAINTS "fk" IMMEDIATE;',
    ]


def test_semicolons_inside_strings_identifiers_and_comments_do_not_split():
    sql = """INSERT INTO "a;b" VALUES ('x;y', E'it\\'s;', 'O''Brien;'); -- trailing; comment
/* block; comment */ SELECT 1"""
    assert len(split_statements(sql)) == 2


def test_dollar_quoted_function_body_is_one_statement():
    sql = "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN x := 1; RETURN NEW; END $body$ LANGUAGE plpgsql; SELECT 2;"
    statements = split_statements(sql)
    assert len(statements) == 2
    assert statements[0].endswith("LANGUAGE plpgsql;")


def test_empty_statements_and_comment_only_tails_are_dropped():
    assert split_statements(";;  SELECT 1;; -- bye\n") == ["SELECT 1;"]


def test_normalize_folds_whitespace():
    assert normalize("CREATE  TABLE\n  x (a int);") == "CREATE TABLE x (a int);"
