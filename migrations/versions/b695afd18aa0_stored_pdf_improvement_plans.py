"""stored PDF improvement plans

Revision ID: b695afd18aa0
Revises: 728a7c539f7c
Create Date: 2026-11-24 05:41:16.022028

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b695afd18aa0'
down_revision = '728a7c539f7c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('edition', sa.String(length=8), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_plan_documents_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_documents')),
    sa.UniqueConstraint('assessment_id', 'edition', name=op.f('uq_plan_documents_assessment_id'))
    )


def downgrade():
    op.drop_table('plan_documents')
