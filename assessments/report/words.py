"""The report's own words in both languages, and the names of plan codes.

The report is rendered outside a web request (the CLI, a cache fill), and the bilingual edition
needs both languages at once, so these are plain pairs rather than gettext catalogue entries.
The web pages use the same names for owners, time frames and statuses (app/assessment/helpers.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assessments.result import ORGANISATION
from rubrics.question_types import question_type
from rubrics.schema import NOT_APPLICABLE, Indicator

LANGUAGES = ("vi", "en")

# key: (Vietnamese, English)
WORDS: dict[str, tuple[str, str]] = {
    "title": ("Kế hoạch cải thiện nơi làm việc thân thiện với gia đình",
              "Family-friendly workplace improvement plan"),
    "subtitle": ("Đánh giá theo Bộ nguyên tắc Quyền trẻ em và Doanh nghiệp (CRBP) và pháp luật lao động Việt Nam",
                 "Assessment against the Children’s Rights and Business Principles (CRBP) and Viet Nam labour law"),
    "organisation": ("Doanh nghiệp", "Organisation"),
    "province": ("Tỉnh, thành phố", "Province"),
    "sector": ("Ngành", "Sector"),
    "cycle": ("Kỳ đánh giá", "Cycle"),
    "rubric": ("Bộ tiêu chí", "Rubric"),
    "assessed_on": ("Ngày đánh giá", "Assessment date"),
    "printed_on": ("Ngày in", "Printed on"),
    "status": ("Trạng thái", "Status"),
    "band": ("Xếp loại", "Band"),
    "overall": ("Điểm chung", "Overall score"),
    "contents": ("Mục lục", "Contents"),
    "about": ("Báo cáo này so sánh chính sách của doanh nghiệp với Các Nguyên tắc về Quyền trẻ em và Hoạt động "
              "kinh doanh (CRBP, do UNICEF, Hiệp ước Toàn cầu của Liên Hợp Quốc và Tổ chức Cứu trợ Trẻ em ban hành "
              "năm 2012) và với pháp luật lao động Việt Nam. Điểm chung là tỷ lệ điểm đạt được trên các câu hỏi áp "
              "dụng cho doanh nghiệp. Mục “Dưới mức tối thiểu theo luật” chỉ nêu những quy định đã được kiểm chứng "
              "và có hiệu lực vào ngày đánh giá; kế hoạch xếp các việc đó lên trước.",
              "This report compares the organisation’s policies with the Children’s Rights and Business Principles "
              "(CRBP: UNICEF, the UN Global Compact and Save the Children, 2012) and with Viet Nam labour law. The "
              "overall score is the share of points reached on the questions that apply to the organisation. "
              "“Below the legal minimum” lists only verified provisions in force on the assessment date; the plan "
              "puts them first."),
    "summary": ("Tóm tắt", "Summary"),
    "score_by_area": ("Điểm theo lĩnh vực", "Score by area"),
    "area": ("Lĩnh vực", "Area"),
    "score": ("Điểm", "Score"),
    "gap_count": ("Số điểm chưa đạt mức tối thiểu của pháp luật", "Legal gaps found"),
    "gaps_short": ("Chưa đạt luật", "Legal gaps"),
    "top_actions": ("Ba việc cần làm trước tiên", "The three most important actions"),
    "legal_gaps": ("Dưới mức tối thiểu theo luật", "Below the legal minimum"),
    "no_gaps": ("Không phát hiện điểm nào chưa đạt mức tối thiểu của pháp luật.",
                "No answer is below the legal minimum."),
    "law_requires": ("Pháp luật quy định", "What the law requires"),
    "article": ("Điều", "Article"),
    "answered": ("Câu trả lời", "What was answered"),
    "fine": ("Mức phạt", "Fine exposure"),
    "closing_action": ("Việc cần làm để khắc phục", "The action that closes it"),
    "plan": ("Kế hoạch cải thiện", "Improvement plan"),
    "no_actions": ("Không cần hành động thêm: mọi câu trả lời đều ở mức cao nhất.",
                   "No action needed: every answer is at the top level."),
    "priority": ("Ưu tiên", "Priority"),
    "action": ("Hành động", "Action"),
    "owner_role": ("Bộ phận phụ trách", "Owner role"),
    "time_frame": ("Thời hạn", "Time frame"),
    "evidence": ("Bằng chứng hoàn thành", "Evidence that closes it"),
    "gain": ("Điểm tăng dự kiến (điểm phần trăm)", "Expected gain (percentage points)"),
    "adopted": ("Doanh nghiệp đã đưa vào kế hoạch", "Adopted by the HR team"),
    "owner": ("Người phụ trách", "Owner"),
    "due": ("Hạn hoàn thành", "Due date"),
    "required_by_law": ("Bắt buộc theo luật", "Required by law"),
    "find_out": ("Cần kiểm tra", "Find out"),
    "evidence_files": ("Minh chứng", "Evidence"),
    "sign_off": ("Xác nhận", "Sign-off"),
    "prepared_by": ("Người lập", "Prepared by"),
    "approved_by": ("Người phê duyệt", "Approved by"),
    "signature": ("Ký, ghi rõ họ tên", "Signature and full name"),
    "date": ("Ngày", "Date"),
    "points": ("điểm", "points"),
    "previous": ("So sánh với kỳ trước", "Compared with the previous cycle"),
    "no_previous": ("Đây là kỳ đánh giá đầu tiên của doanh nghiệp.", "This is the organisation’s first cycle."),
    "previous_cycle": ("Kỳ trước", "Previous cycle"),
    "this_cycle": ("Kỳ này", "This cycle"),
    "change": ("Thay đổi", "Change"),
    "improved": ("Đã cải thiện", "What improved"),
    "slipped": ("Bị giảm", "What slipped"),
    "level": ("mức", "level"),
    "nothing": ("Không có", "None"),
    "previous_plan": ("Kế hoạch kỳ trước: %(done)d trên %(total)d hành động đã hoàn thành",
                      "Last cycle’s plan: %(done)d of %(total)d actions done"),
    "benchmark": ("So sánh với trung vị của ngành", "Compared with the sector median"),
    "median": ("Trung vị của ngành (ẩn danh)", "Anonymised sector median"),
    "ours": ("Doanh nghiệp", "This organisation"),
    "group": ("%(count)d doanh nghiệp cùng ngành đã nộp trong kỳ này",
              "%(count)d organisations of the sector submitted this cycle"),
    "suppressed": ("Chỉ hiển thị khi có ít nhất %(min)d doanh nghiệp cùng ngành đã nộp (hiện có %(count)d), "
                   "để không doanh nghiệp nào bị nhận diện.",
                   "Shown only when at least %(min)d organisations of the sector have submitted (now %(count)d), "
                   "so that no single one can be identified."),
    "workers": ("Ý kiến của người lao động", "What workers say"),
    "workers_intro": ("Khảo sát ẩn danh %(count)d người lao động (đến ngày %(day)s). Mỗi câu hỏi kiểm tra một câu "
                      "trả lời của phòng nhân sự. Chỉ những người biết việc này có hay không mới được tính vào tỷ lệ.",
                      "An anonymous survey of %(count)d workers (up to %(day)s). Each question checks one of HR’s "
                      "answers. Only workers who know whether the practice is there count in the share."),
    "workers_open": ("Đợt khảo sát vẫn đang mở: số liệu có thể thay đổi.",
                     "The survey round is still open: the figures may change."),
    "hr_answer": ("Câu trả lời của phòng nhân sự", "HR’s answer"),
    "workers_yes": ("Có", "Yes"),
    "workers_no": ("Không", "No"),
    "workers_unsure": ("Không biết / không liên quan", "Don’t know / not concerned"),
    "workers_share": ("Tỷ lệ nói “có”", "Share saying yes"),
    "discrepancy": ("Chưa khớp", "Discrepancy"),
    "discrepancy_note": ("Chưa khớp: phòng nhân sự trả lời là có, nhưng từ một nửa số người lao động biết việc này "
                         "trở lên nói là không.",
                         "Discrepancy: HR’s answer says the practice is there, but half or more of the workers who "
                         "know say it is not."),
    "workers_actions": ("Việc cần làm theo ý kiến người lao động", "Actions from what workers say"),
    "appendix": ("Phụ lục: toàn bộ câu trả lời", "Appendix: every answer"),
    "question": ("Câu hỏi", "Question"),
    "not_answered": ("Chưa trả lời", "Not answered"),
    "not_applicable": ("Không áp dụng", "Not applicable"),
    "page": ("Trang", "Page"),
}

OWNER_NAMES: dict[str, tuple[str, str]] = {
    "management": ("Ban lãnh đạo", "Management"),
    "hr": ("Phòng nhân sự", "HR"),
    "hr_and_union": ("Phòng nhân sự và công đoàn", "HR and trade union"),
    "health_safety": ("An toàn, vệ sinh lao động", "Health and safety"),
    "production": ("Bộ phận sản xuất", "Production"),
    "finance": ("Tài chính", "Finance"),
}
TIME_FRAMES: dict[str, tuple[str, str]] = {
    "1_month": ("trong 1 tháng", "within 1 month"),
    "3_months": ("trong 3 tháng", "within 3 months"),
    "6_months": ("trong 6 tháng", "within 6 months"),
    "12_months": ("trong 12 tháng", "within 12 months"),
}
ASSESSMENT_STATUSES: dict[str, tuple[str, str]] = {
    "draft": ("Bản nháp", "Draft"),
    "submitted": ("Đã nộp", "Submitted"),
    "returned": ("Được trả lại để chỉnh sửa", "Returned for changes"),
    "verified": ("Đã xác nhận", "Verified"),
}
REVIEW_DECISIONS: dict[str, tuple[str, str]] = {
    "accepted": ("Chấp nhận", "Accepted"),
    "queried": ("Yêu cầu làm rõ", "Queried"),
    "verified": ("Đã xác nhận bản đánh giá", "Assessment verified"),
    "returned": ("Trả lại doanh nghiệp", "Returned to the company"),
    "resubmitted": ("Doanh nghiệp đã nộp lại", "Resubmitted by the company"),
    "replied": ("Doanh nghiệp trả lời", "The company replied"),
}
PLAN_STATUSES: dict[str, tuple[str, str]] = {
    "planned": ("Đã lên kế hoạch", "Planned"),
    "in_progress": ("Đang thực hiện", "In progress"),
    "done": ("Đã xong", "Done"),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "vi" else pair[1]


def word(key: str, lang: str, **values: Any) -> str:
    text = pick(WORDS[key], lang)
    return text % values if values else text


def name_of(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """The name of a code in a language; an unknown code is shown as it is."""
    pair = names.get(key)
    return pick(pair, lang) if pair else key


def answer_text(indicator: Indicator, value: Any, lang: str) -> str:
    """An answer as a person reads it: option labels rather than keys, the unit after numbers."""
    if value is None:
        return word("not_answered", lang)
    if value == NOT_APPLICABLE:
        return word("not_applicable", lang)
    return question_type(indicator.type).answer_text(indicator, value, lang)


def legal_basis(on_date: date, fines_for: str) -> dict[str, str]:
    """What a recorded verdict rests on, in both languages: the law in force on the scoring date,
    and whose fines are printed (an individual's before 2026.2: Decree 12/2022/ND-CP Art. 6(1),
    an organisation pays twice)."""
    shown = on_date.strftime("%d/%m/%Y")
    if fines_for == ORGANISATION:
        fines = ("Mức phạt ghi ở đây là mức áp dụng cho tổ chức.", "The fines shown are those for an organisation.")
    else:
        fines = ("Mức phạt ghi ở đây là mức áp dụng cho cá nhân; tổ chức bị phạt gấp đôi "
                 "(Nghị định 12/2022/NĐ-CP, Điều 6 khoản 1).",
                 "The fines shown are those for an individual; an organisation is fined twice as much "
                 "(Decree 12/2022/ND-CP, Art. 6(1)).")
    return {"vi": f"Đánh giá theo pháp luật có hiệu lực ngày {shown}. {fines[0]}",
            "en": f"Judged under the law in force on {shown}. {fines[1]}"}
