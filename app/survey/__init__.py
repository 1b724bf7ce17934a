"""The workers' survey: organisers' pages (rounds, papers, results) under the assessment, and the
answering page workers open from the poster, without an account, at /s/<short code>."""

from flask import Blueprint

bp = Blueprint("survey", __name__)

from app.survey import answering, organisers  # noqa: E402,F401  (importing them registers their routes)
