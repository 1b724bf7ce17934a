"""a survey round's poster and codes, made once by the job worker

Revision ID: d8a3c6e1f590
Revises: c5e81a3f7d02
Create Date: 2026-12-05 12:15:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd8a3c6e1f590'
down_revision = 'c5e81a3f7d02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_papers',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'], name=op.f('fk_survey_papers_round_id_survey_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'kind', name=op.f('pk_survey_papers'))
    )


def downgrade():
    op.drop_table('survey_papers')
