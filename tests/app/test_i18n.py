"""Vietnamese first, English on request; no string without a translation."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from tests.conftest import World, sign_in

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "app" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def source_messages() -> set[str]:
    # Mail templates too: plain-text mails are `.txt` (no HTML escaping), the rest `.html`.
    method_map = [("app/**.py", "python"), ("app/templates/**.html", "jinja2"), ("app/templates/**.txt", "jinja2")]
    options = {"app/templates/**.html": {"extensions": "jinja2.ext.do"},
               "app/templates/**.txt": {"extensions": "jinja2.ext.do"}}
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, options_map=options, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def vietnamese_catalogue():
    return read_po(BytesIO(CATALOGUE.read_bytes()), locale="vi")


def test_every_message_in_the_code_has_a_vietnamese_translation() -> None:
    catalogue = vietnamese_catalogue()
    missing = sorted(
        message for message in source_messages()
        if not (entry := catalogue.get(message)) or not entry.string or entry.fuzzy
    )
    assert missing == [], "run `make translations-update` and translate these in messages.po"


def test_the_plain_text_mails_are_among_the_messages_checked() -> None:
    assert "Set your password to open your account:" in source_messages()  # only in mail/invitation.txt


def test_translations_keep_their_placeholders() -> None:
    for entry in vietnamese_catalogue():
        if not (entry.id and entry.string):
            continue
        if isinstance(entry.id, tuple):  # a plural: Vietnamese has one form, with the plural's placeholders
            expected = set(PLACEHOLDER.findall(entry.id[1]))
            assert all(set(PLACEHOLDER.findall(form)) == expected for form in entry.string), entry.id
        else:
            expected_list = sorted(PLACEHOLDER.findall(str(entry.id)))
            assert sorted(PLACEHOLDER.findall(str(entry.string))) == expected_list, entry.id


def test_pages_are_vietnamese_by_default(client: FlaskClient, world: World) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page and "Mật khẩu" in page


def test_language_switch_changes_and_remembers_the_language(client: FlaskClient, world: World) -> None:
    response = client.post("/language", data={"lang": "en", "next": "/auth/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page and "Password" in page


def test_signed_in_users_keep_their_language_on_other_devices(app, client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["reviewer"])
    client.post("/language", data={"lang": "en"})
    other_device = sign_in(app.test_client(), world.users["reviewer"])
    assert '<html lang="en">' in other_device.get("/dashboard").get_data(as_text=True)


def test_unknown_language_and_foreign_next_are_ignored(client: FlaskClient, world: World) -> None:
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="vi">' in client.get("/auth/login").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/dashboard", "/organisations/", "/organisations/new", "/admin/users",
                                 "/admin/users/new", "/admin/audit", "/auth/password", "/does-not-exist"])
def test_pages_have_no_english_left_in_vietnamese(client: FlaskClient, world: World, url: str) -> None:
    sign_in(client, world.users["admin"])
    page = client.get(url).get_data(as_text=True)
    english_words = {"Sign out", "Organisations", "Dashboard", "Save", "Password", "required", "Page not found",
                     "Accounts", "Filter"}
    text = re.sub(r"<[^>]+>", " ", page)
    assert [w for w in english_words if re.search(rf"\b{w}\b", text)] == []


def test_form_errors_are_translated_in_both_languages(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["admin"])
    vi = client.post("/organisations/new", data={"workforce_total": "abc"}).get_data(as_text=True)
    assert "Trường này là bắt buộc." in vi and "Nhập một số nguyên" in vi
    client.post("/language", data={"lang": "en"})
    en = client.post("/organisations/new", data={"workforce_total": "abc"}).get_data(as_text=True)
    assert "This field is required." in en and "Enter a whole number" in en
