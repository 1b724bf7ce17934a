"""An administrator sets up a company and its HR officer; the HR officer signs in on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def new_page(browser: object, viewport: dict[str, int]) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport=viewport, locale="vi-VN")  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    with page.expect_navigation():  # signed in or not, the answer is a new page: wait for it
        page.get_by_role("button", name="Đăng nhập").click()


def open_menu_item(page: Page, name: str) -> None:
    _in_menu(page, page.locator("nav.main-nav").get_by_role("link", name=name, exact=True)).click()


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        _in_menu(page, page.get_by_role("button", name="Đăng xuất")).click()


def _in_menu(page: Page, item: Locator) -> Locator:
    """An item of the site menu, made visible as a person would. On wide screens a script opens
    the menu and CSS hides its summary; on phones the summary opens it. Ask what the user sees
    once the page's scripts have run, not whether the menu is open yet."""
    page.wait_for_load_state("load")
    summary = page.locator("details.menu summary")
    if not item.is_visible() and summary.is_visible():
        summary.click()
    expect(item).to_be_visible()
    return item


def assert_fits_phone(page: Page) -> None:
    # Measured before its stylesheet applies, a page is as wide as its unstyled fields (471 px
    # for the session form, seen on CI): measure the page the person sees, once it has loaded.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_admin_sets_up_company_and_hr_officer_signs_in_on_phone(browser, live_server: str, screenshot) -> None:
    page, problems = new_page(browser, PHONE)

    # Vietnamese by default; a wrong password gets a clear message.
    sign_in(page, live_server, "admin@demo.vn", "wrong-password")
    expect(page.get_by_text("E-mail hoặc mật khẩu không đúng.")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "login-error")

    sign_in(page, live_server, "admin@demo.vn", "demo-admin-2026")
    expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()
    screenshot(page, "dashboard")

    # Create an organisation; mistakes come back next to the fields with what was typed kept.
    open_menu_item(page, "Tổ chức")
    page.get_by_role("link", name="Tổ chức mới").click()
    page.get_by_label("Tên", exact=True).fill("Công ty TNHH Bình Minh Phan Thiết")
    page.get_by_label("Mã số thuế").fill("3400123")
    page.get_by_label("Tỉnh, thành phố").select_option(label="Lâm Đồng")
    page.get_by_label("Ngành").select_option(label="Chế biến thủy sản")
    page.get_by_label("Tổng số lao động").fill("850")
    page.get_by_label("Số lao động nữ").fill("900")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#tax_code-error")).to_contain_text("Mã số thuế gồm 10 chữ số")
    expect(page.locator("#workforce_women-error")).to_contain_text("không thể lớn hơn tổng số lao động")
    expect(page.get_by_label("Tên", exact=True)).to_have_value("Công ty TNHH Bình Minh Phan Thiết")
    assert_fits_phone(page)
    screenshot(page, "organisation-errors")

    page.get_by_label("Mã số thuế").fill("3400123456")
    page.get_by_label("Số lao động nữ").fill("610")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Công ty TNHH Bình Minh Phan Thiết")).to_be_visible()
    expect(page.get_by_text("Đã tạo tổ chức.")).to_be_visible()
    screenshot(page, "organisation-created")

    # Create the HR officer for it.
    open_menu_item(page, "Tài khoản")
    page.get_by_role("link", name="Tài khoản mới").click()
    page.get_by_label("E-mail").fill("nhansu@binhminh.vn")
    page.get_by_label("Họ và tên").fill("Võ Thị Thu")
    page.get_by_label("Vai trò").select_option("hr")
    page.get_by_label("Tổ chức (chỉ dành cho cán bộ nhân sự)").select_option(label="Công ty TNHH Bình Minh Phan Thiết")
    page.get_by_label("Mật khẩu").fill("thu-binh-minh-2026")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã tạo tài khoản cho nhansu@binhminh.vn.")).to_be_visible()

    # Sign out; the HR officer signs in and sees only her company.
    sign_out(page)
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()

    sign_in(page, live_server, "nhansu@binhminh.vn", "thu-binh-minh-2026")
    expect(page.get_by_role("heading", name="Công ty TNHH Bình Minh Phan Thiết")).to_be_visible()
    expect(page.get_by_text("Số lao động: 850, trong đó 610 nữ")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "hr-dashboard")

    # English on request.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    expect(page.get_by_text("Workforce: 850, of whom 610 women")).to_be_visible()
    screenshot(page, "hr-dashboard-english")

    assert problems == [], problems  # no script errors and no Content-Security-Policy violations


def test_keyboard_user_can_sign_in(browser, live_server: str) -> None:
    page, problems = new_page(browser, {"width": 1280, "height": 800})
    page.goto(live_server + "/auth/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Chuyển đến nội dung")).to_be_focused()
    page.get_by_label("E-mail").focus()
    page.keyboard.type("reviewer@demo.vn")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-reviewer-2026")
    page.keyboard.press("Enter")
    expect(page.locator("nav.main-nav").get_by_role("link", name="Tổ chức", exact=True)).to_be_visible()
    assert problems == []
