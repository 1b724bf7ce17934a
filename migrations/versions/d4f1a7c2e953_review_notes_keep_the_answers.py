"""review notes keep the answers a return asked about (to show before and after)

Revision ID: d4f1a7c2e953
Revises: c3e8b5a1f742
Create Date: 2026-12-04 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd4f1a7c2e953'
down_revision = 'c3e8b5a1f742'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('review_notes', schema=None) as batch_op:
        batch_op.drop_column('answers')
