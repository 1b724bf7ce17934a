"""plan PDFs made by the job worker: one render request per assessment

Revision ID: c5e81a3f7d02
Revises: b7d2f0c94a16
Create Date: 2026-12-05 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e81a3f7d02'
down_revision = 'b7d2f0c94a16'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_renders',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('editions_done', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_plan_renders_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_plan_renders'))
    )


def downgrade():
    op.drop_table('plan_renders')
