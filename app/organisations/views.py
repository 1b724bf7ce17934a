"""Organisations: list and read (scoped by role), create and edit (reviewers and admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select
from werkzeug.wrappers import Response

from app.access import CHAMBER, any_signed_in_user, can_see_organisation, roles_required
from app.extensions import db
from app.organisations import bp
from app.organisations.forms import OrganisationForm
from app.paging import paginate
from app.requests import service_context
from app.service_errors import attempt
from app.versioned import save_versioned
from assessments.models import Organisation, Role
from assessments.provinces import PROVINCES_BY_CODE
from assessments.sectors import SECTORS_BY_CODE
from assessments.services.organisations import create_organisation, update_organisation
from assessments.tax_codes import format_tax_code

PAGE_SIZE = 25


def visible_organisations() -> Select[Organisation]:
    query = select(Organisation)
    if current_user.role == Role.HR:
        query = query.where(Organisation.id == current_user.organisation_id)
    return query


def get_visible_organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    # 404 rather than 403 for other companies' ids, so ids cannot be probed.
    if organisation is None or not can_see_organisation(current_user, organisation.id):
        abort(404)
    return organisation


@bp.route("/")
@any_signed_in_user
def index() -> str:
    query = visible_organisations()
    search = request.args.get("q", "").strip()[:100]
    province = request.args.get("province", "")
    sector = request.args.get("sector", "")
    if search:
        query = query.where(Organisation.name.icontains(search, autoescape=True)
                            | Organisation.tax_code.contains(search.replace("-", ""), autoescape=True))
    if province in PROVINCES_BY_CODE:
        query = query.where(Organisation.province_code == province)
    if sector in SECTORS_BY_CODE:
        query = query.where(Organisation.sector_code == sector)
    page = paginate(query.order_by(Organisation.name, Organisation.id), PAGE_SIZE)
    return render_template("organisations/index.html", page=page, search=search, province=province,
                           sector=sector, can_edit=current_user.role in CHAMBER)


@bp.route("/<id:organisation_id>")
@any_signed_in_user
def detail(organisation_id: int) -> str:
    organisation = get_visible_organisation_or_404(organisation_id)
    return render_template("organisations/detail.html", organisation=organisation,
                           tax_code=format_tax_code(organisation.tax_code), can_edit=current_user.role in CHAMBER)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CHAMBER)
def create() -> Response | str:
    form = OrganisationForm()
    if form.validate_on_submit():
        ok, organisation = attempt(form, lambda: create_organisation(db.session, service_context(), form.to_data()))
        if ok and organisation is not None:
            flash(_("Organisation created."), "success")
            return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/<id:organisation_id>/edit", methods=["GET", "POST"])
@roles_required(*CHAMBER)
def edit(organisation_id: int) -> Response | tuple[str, int]:
    organisation = get_visible_organisation_or_404(organisation_id)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET":
        form.tax_code.data = format_tax_code(organisation.tax_code)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: update_organisation(db.session, service_context(), organisation,
                                                                  form.to_data(), form.expected_version()),
                                lambda: _saved_organisation(organisation_id))
        if status is None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation), status or 200


def _saved_organisation(organisation_id: int) -> tuple[Organisation, int, dict[str, object]]:
    organisation = get_visible_organisation_or_404(organisation_id)
    return organisation, organisation.version, {"tax_code": format_tax_code(organisation.tax_code)}
