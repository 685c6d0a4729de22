"""The page's unit tests read the app's real answers (tests/js_fixtures.py): they must be
what the app answers now, so that the page's pure logic is tested on today's contract."""

from tests.js_fixtures import FIXTURES, build, text


def test_js_fixtures_are_what_the_app_answers() -> None:
    for name, content in build().items():
        kept = (FIXTURES / name).read_text()
        assert kept == text(content), (
            f"tests/js/fixtures/{name} differs from the app's answers: run "
            "`.venv/bin/python -m tests.js_fixtures` and look at the difference")
