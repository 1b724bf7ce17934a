"""a programme's minimum number of sessions to complete one of its courses

Revision ID: b7d2f0c94a16
Revises: 9c41e07d2b58
Create Date: 2026-12-05 11:50:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b7d2f0c94a16'
down_revision = '9c41e07d2b58'
branch_labels = None
depends_on = None


def upgrade():
    # Left unset: no programme's completion rule is verified here, admins set it (programmes page).
    # Plain ADD COLUMN, in place on SQLite: programmes are referred to by sessions and courses.
    op.add_column('programmes', sa.Column('sessions_to_complete', sa.Integer(), nullable=True))


def downgrade():
    op.drop_column('programmes', 'sessions_to_complete')
