"""a facilitator's DHIS2 category option combo

Revision ID: 9c41e07d2b58
Revises: 0340fad033fd
Create Date: 2026-12-05 11:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '9c41e07d2b58'
down_revision = '0340fad033fd'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and an index, in place on SQLite too: a batch rebuild of a table that
    # sessions and visits refer to would fail there with foreign keys on.
    op.add_column('facilitators', sa.Column('dhis2_option_combo', sa.String(length=11), nullable=True))
    op.create_index('ix_facilitators_dhis2_option_combo', 'facilitators', ['dhis2_option_combo'], unique=True)


def downgrade():
    op.drop_index('ix_facilitators_dhis2_option_combo', table_name='facilitators')
    op.drop_column('facilitators', 'dhis2_option_combo')
