"""a parenting session names its shift or time (two shifts of one day are two sessions)

Revision ID: e6b2c9d4a185
Revises: d4f1a7c2e953
Create Date: 2026-12-04 17:25:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e6b2c9d4a185'
down_revision = 'd4f1a7c2e953'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('parenting_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shift', sa.String(length=40), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('parenting_sessions', schema=None) as batch_op:
        batch_op.drop_column('shift')
