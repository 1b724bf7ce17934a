"""reviews, area scores and legal gaps as rows

Revision ID: 846ebb57905d
Revises: b695afd18aa0
Create Date: 2026-11-24 06:28:58.635649

"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '846ebb57905d'
down_revision = 'b695afd18aa0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('area_scores',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('area_key', sa.String(length=80), nullable=False),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_area_scores_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'area_key', name=op.f('pk_area_scores'))
    )
    with op.batch_alter_table('area_scores', schema=None) as batch_op:
        batch_op.create_index('ix_area_scores_area_percent', ['area_key', 'percent'], unique=False)

    op.create_table('legal_gaps',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('indicator_key', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_legal_gaps_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'indicator_key', name=op.f('pk_legal_gaps'))
    )
    with op.batch_alter_table('legal_gaps', schema=None) as batch_op:
        batch_op.create_index('ix_legal_gaps_indicator', ['indicator_key'], unique=False)

    op.create_table('review_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('indicator_key', sa.String(length=80), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.String(length=2000), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_review_notes_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_review_notes_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_notes'))
    )
    with op.batch_alter_table('review_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_notes_assessment_id'), ['assessment_id'], unique=False)

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index('ix_assessments_latest', ['organisation_id', 'cycle', 'status'], unique=False)
        batch_op.create_index('ix_assessments_list', ['status', 'cycle', 'organisation_id', 'percent', 'band'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_workforce_total'), ['workforce_total'], unique=False)


    op.create_table('scores_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores_version'))
    )
    _rows_from_stored_score_cards()


def _rows_from_stored_score_cards():
    """Assessments submitted before this migration get their area scores and gaps as rows."""
    assessments = sa.table("assessments", sa.column("id", sa.Integer), sa.column("result", sa.Text))
    area_scores = sa.table("area_scores", sa.column("assessment_id", sa.Integer), sa.column("area_key", sa.String),
                           sa.column("percent", sa.Float))
    legal_gaps = sa.table("legal_gaps", sa.column("assessment_id", sa.Integer), sa.column("indicator_key", sa.String))
    connection = op.get_bind()
    scores, gaps = [], []
    for assessment_id, result in connection.execute(sa.select(assessments.c.id, assessments.c.result)):
        card = (json.loads(result) if isinstance(result, str) else result or {}).get("scorecard") if result else None
        if not card:
            continue
        scores += [{"assessment_id": assessment_id, "area_key": a["key"], "percent": a.get("percent")}
                   for a in card.get("areas", [])]
        gaps += [{"assessment_id": assessment_id, "indicator_key": g["indicator"]} for g in card.get("legal_gaps", [])]
    if scores:
        connection.execute(area_scores.insert(), scores)
    if gaps:
        connection.execute(legal_gaps.insert(), gaps)


def downgrade():
    op.drop_table('scores_version')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_workforce_total'))

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_assessments_list')
        batch_op.drop_index('ix_assessments_latest')

    with op.batch_alter_table('review_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_notes_assessment_id'))

    op.drop_table('review_notes')
    with op.batch_alter_table('legal_gaps', schema=None) as batch_op:
        batch_op.drop_index('ix_legal_gaps_indicator')

    op.drop_table('legal_gaps')
    with op.batch_alter_table('area_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_area_scores_area_percent')

    op.drop_table('area_scores')
