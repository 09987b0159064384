"""The project's catalogues are complete, compiled, and used: no untranslated message, the .mo
files match the .po files, and the Wagtail admin reads in Chinese where Wagtail's own
catalogue has gaps."""

from pathlib import Path

import polib
import pytest

from core.roles import Role

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def _entries(po) -> dict:
    return {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in po
        if not e.obsolete
    }


def test_there_are_catalogues_for_english_and_chinese():
    assert {p.parts[-3] for p in CATALOGUES} >= {"en", "zh_Hans"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_message_is_translated(path):
    po = polib.pofile(str(path))
    missing = [
        e.msgid
        for e in po
        if not e.obsolete
        and ("fuzzy" in e.flags or not (e.msgstr or all(e.msgstr_plural.values())))
    ]
    assert missing == [], f"{len(missing)} untranslated in {path}: {missing[:20]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_catalogue_matches_its_source(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"run: msgfmt -o {compiled} {path}"
    source = {k: v for k, v in _entries(polib.pofile(str(path))).items() if k[1]}
    built = {k: v for k, v in _entries(polib.mofile(str(compiled))).items() if k[1]}
    assert built == source, f"{compiled} is stale: msgfmt -o {compiled} {path}"


def test_wagtail_admin_has_no_english_leftovers_for_staff(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, username="boss"))
    html = client.get("/admin/").content.decode()
    assert "Search all pages" not in html and "created in" not in html
    assert "检索全部页面" in html
