"""The register of community venues (UNICEF officers and admins): where sessions are held that is
not a workplace, and what each venue has seen, sessions and supervision visits
(assessments.services.venues)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.access import PARENTING_EDITORS, roles_required
from app.extensions import db
from app.forms import as_choices
from app.parenting import bp
from app.parenting.common import names_by_id, register_form
from app.parenting.forms import VENUE_LABELS, VenueForm
from app.requests import service_context
from app.service_errors import add_from_form
from app.versioned import save_versioned
from assessments.models import ParentingSession, Venue
from assessments.parenting import COMMUNITY_VENUES
from assessments.services.parenting import SessionFilters, filtered, reach
from assessments.services.supervision import visits
from assessments.services.venues import create_venue, update_venue, venue_list


def _form(record: Venue | None = None) -> VenueForm:
    form = register_form(VenueForm(obj=record), record)
    form.kind.choices = as_choices((key, VENUE_LABELS[key]) for key in COMMUNITY_VENUES)
    return form


@bp.route("/venues", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def venues() -> Any:
    form = _form()
    added, status = add_from_form(form, lambda: create_venue(db.session, service_context(), form.to_data()),
                                  _("Venue added."), lambda v: url_for("parenting.venue_detail", venue_id=v.id))
    if added is not None:
        return added
    return render_template("parenting/venues.html", form=form, listed=venue_list(db.session),
                           venues=VENUE_LABELS), status


@bp.route("/venues/<id:venue_id>", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def venue_detail(venue_id: int) -> Any:
    venue = db.session.get(Venue, venue_id)
    if venue is None:
        abort(404)
    form = _form(venue)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: update_venue(db.session, service_context(), venue, form.to_data(),
                                                           active=bool(form.active.data),
                                                           expected_version=form.expected_version()),
                                lambda: (venue, venue.version, {}))
        if status is None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("parenting.venue_detail", venue_id=venue.id))
    elif request.method == "POST":
        status = 422
    here = SessionFilters(venue_id=venue.id)
    sessions = db.session.scalars(filtered(here).order_by(ParentingSession.session_date.desc()).limit(200)).all()
    return render_template("parenting/venue.html", venue=venue, form=form, reach=reach(db.session, here),
                           sessions=sessions, visit_list=visits(db.session, venue_id=venue.id), names=names_by_id(),
                           venues=VENUE_LABELS), status or 200
