"""The pytest plugin and assert_no_nplusone, on a tiny Django project run by pytester
(pytest-django) against a real PostgreSQL scratch database."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytest_plugins = ["pytester"]

MODELS = '''
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    title = models.CharField(max_length=50)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
'''

CONFTEST = '''
import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """The scratch database exists already (the outer test made it): only create the tables."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("migrate", run_syncdb=True, verbosity=0)


@pytest.fixture
def books(db):
    from library.models import Author, Book

    for n in range(3):
        Book.objects.create(title=f"Book {n}", author=Author.objects.create(name=f"Author {n}"))
'''

TESTS = '''
from django.template.loader import render_to_string

from library.models import Author, Book
from migsafe.testing import NPlusOneError, assert_no_nplusone


def test_titles(books):
    assert [f"{book.title} by {book.author.name}" for book in Book.objects.all()]


def test_titles_twin(books):
    assert [f"{book.title} by {book.author.name}" for book in Book.objects.select_related("author")]


def test_counts(books):
    assert [author.books.count() for author in Author.objects.all()] == [1, 1, 1]


def test_template(books):
    assert "Author 2" in render_to_string("library/list.html", {"books": Book.objects.all()})


def test_context_manager_without_the_plugin(books):
    try:
        with assert_no_nplusone():
            [book.author.name for book in Book.objects.all()]
    except NPlusOneError as error:
        assert 'select_related("author") on the Book queryset' in str(error)
    else:
        raise AssertionError("no N+1 reported")
'''

TEMPLATE = "<ul>\n{% for book in books %}<li>{{ book.author.name }}</li>{% endfor %}\n</ul>\n"


@pytest.fixture
def project(pytester, scratch_db, monkeypatch):
    url = urlparse(scratch_db)
    database = {"ENGINE": "django.db.backends.postgresql", "NAME": url.path.lstrip("/"),
                "USER": url.username or "postgres", "PASSWORD": url.password or "",
                "HOST": url.hostname or "127.0.0.1", "PORT": str(url.port or 5432)}
    database["TEST"] = {"NAME": database["NAME"]}
    pytester.makepyfile(
        settings=f"SECRET_KEY = 'x'\nINSTALLED_APPS = ['library']\nDATABASES = {{'default': {database!r}}}\n"
                 "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\nUSE_TZ = True\n"
                 "TEMPLATES = [{'BACKEND': 'django.template.backends.django.DjangoTemplates', 'APP_DIRS': True}]\n",
        conftest=CONFTEST,
        test_books=TESTS,
    )
    library = pytester.mkpydir("library")
    (library / "models.py").write_text(MODELS)
    (library / "templates" / "library").mkdir(parents=True)
    (library / "templates" / "library" / "list.html").write_text(TEMPLATE)
    pytester.makeini("[pytest]\nDJANGO_SETTINGS_MODULE = settings\npythonpath = .\n")
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    return pytester


def test_without_the_flag_the_plugin_does_nothing(project):
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_an_n_plus_one_loop_fails_and_its_select_related_twin_passes(project):
    result = project.runpytest_subprocess("--migsafe-nplusone", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=4)
    out = result.stdout.str()
    failed = {line.split("::")[1].split()[0] for line in result.outlines if line.startswith("FAILED")}
    # the plugin sees the N+1 that the context manager test provokes (and catches) on purpose
    assert failed == {"test_titles", "test_counts", "test_template", "test_context_manager_without_the_plugin"}
    assert "NPlusOneError: N+1 queries: 1 query ran more than 2 times from the same code" in out
    assert 'FROM "library_author" WHERE "library_author"."id" = ? LIMIT ?' in out
    assert "at test_books.py:8: assert [f\"{book.title} by {book.author.name}\"" in out
    assert 'fix: select_related("author") on the Book queryset' in out


def test_a_count_per_row_is_told_to_annotate(project):
    result = project.runpytest_subprocess("--migsafe-nplusone", "-p", "no:cacheprovider", "-k", "counts")
    result.assert_outcomes(failed=1)
    assert 'annotate(books_count=Count("books")) on the Author queryset' in result.stdout.str()


def test_a_template_loop_names_the_template_line(project):
    result = project.runpytest_subprocess("--migsafe-nplusone", "-p", "no:cacheprovider", "-k", "template")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "in template " in out and "library/list.html:2" in out
    assert 'select_related("author") on the Book queryset' in out


def test_report_mode_lists_without_failing(project):
    result = project.runpytest_subprocess("--migsafe-nplusone-report", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
    out = result.stdout.str()
    assert "migsafe: N+1 queries" in out and "test_books.py::test_titles: N+1 queries" in out
    assert "test_books.py::test_titles_twin" not in out


def test_the_threshold_is_how_often_one_query_may_repeat(project):
    result = project.runpytest_subprocess("--migsafe-nplusone", "--migsafe-nplusone-threshold", "3",
                                          "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)  # 3 rows: each query runs 3 times, which is allowed


def test_normalized_sql_folds_literals_placeholders_and_in_lists():
    from migsafe.testing import normalize

    assert normalize('SELECT "a"."id" FROM "a" WHERE "a"."id" IN (%s, %s, %s) AND "a"."n" = \'x\'  LIMIT 21') == \
        'SELECT "a"."id" FROM "a" WHERE "a"."id" IN (...) AND "a"."n" = ? LIMIT ?'
