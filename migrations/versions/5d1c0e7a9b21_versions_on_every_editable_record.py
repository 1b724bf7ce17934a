"""versions on every editable record: organisations, assessments (profile and state), plan items

Revision ID: 5d1c0e7a9b21
Revises: 846ebb57905d
Create Date: 2026-12-04 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '5d1c0e7a9b21'
down_revision = '846ebb57905d'
branch_labels = None
depends_on = None

TABLES = ('organisations', 'assessments', 'plan_items')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
