"""answers copied from last cycle stay marked until the officer saves their area

Revision ID: f7c3d0e5b296
Revises: e6b2c9d4a185
Create Date: 2026-12-04 17:35:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f7c3d0e5b296'
down_revision = 'e6b2c9d4a185'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copied', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('copied')
