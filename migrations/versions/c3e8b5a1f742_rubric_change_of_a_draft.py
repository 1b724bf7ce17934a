"""what a draft's move to a newer rubric version left to answer

Revision ID: c3e8b5a1f742
Revises: 9a4f2c1d7e30
Create Date: 2026-12-04 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c3e8b5a1f742'
down_revision = '9a4f2c1d7e30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rubric_change', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('rubric_change')
