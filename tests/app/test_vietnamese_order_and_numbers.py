"""Vietnamese the Vietnamese way (issue 14 item 24): names sort in Vietnamese alphabetical order
(Đ after D, not after Z), and numbers in messages use the language's separators."""

from __future__ import annotations

from flask.testing import FlaskClient

from assessments.text import vietnamese_sort_key
from tests.conftest import World, sign_in


def test_vietnamese_alphabetical_order() -> None:
    names = ["Đồng Tháp", "Điện Biên", "Cà Mau", "Ân", "An Giang", "Đắk Lắk", "Bắc Ninh", "Dĩ An", "Âu",
             "Ăn", "Hà Nội", "Hà Tĩnh", "Hải Phòng", "Ô Môn", "Ơn", "Ông", "Yên"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "An Giang", "Ăn", "Ân", "Âu", "Bắc Ninh", "Cà Mau", "Dĩ An", "Đắk Lắk", "Điện Biên", "Đồng Tháp",
        "Hà Nội", "Hà Tĩnh", "Hải Phòng", "Ô Môn", "Ông", "Ơn", "Yên"]
    # Tones come after the letters: "Hà Nội" before "Hải Phòng" (a < ả only when the rest is equal).
    assert sorted(["ả", "a", "á", "à", "ã", "ạ"], key=vietnamese_sort_key) == ["a", "à", "ả", "ã", "á", "ạ"]


def test_province_lists_are_in_vietnamese_order(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["reviewer"])
    page = client.get("/review/").get_data(as_text=True)
    options = page[page.index('id="province"'):page.index("</select>", page.index('id="province"'))]
    assert options.index("Điện Biên") < options.index("Gia Lai") < options.index("Hà Nội")
    assert options.index("Đắk Lắk") < options.index("Điện Biên") < options.index("Đồng Nai")


def test_a_number_in_a_vietnamese_message_has_vietnamese_separators(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["unicef"])
    page = client.post("/parenting/sessions/new", data={"participants_total": "200000"}).get_data(as_text=True)
    assert "Nhập một số nguyên từ 0 đến 100.000." in page and "100,000" not in page
    english = client.application.test_client()
    sign_in(english, world.users["unicef"])
    english.post("/language", data={"lang": "en", "next": "/"})
    page = english.post("/parenting/sessions/new", data={"participants_total": "200000"}).get_data(as_text=True)
    assert "Enter a whole number from 0 to 100,000." in page
