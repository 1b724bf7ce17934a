"""versions on every editable record: organisations, assessments (profile and state), plan items,
programmes, accounts; each programme's DHIS2 data element (moved from the mapping file into the database)

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

TABLES = ('organisations', 'assessments', 'plan_items', 'programmes', 'users')
# The placeholders the default mapping file held for the three seeded programmes.
DATA_ELEMENTS = {'nice': 'Pe186022d09', 'pdep': 'P132ccbe36e', 'em-thrive': 'P832409d0ca'}


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.add_column('programmes', sa.Column('dhis2_data_element', sa.String(length=11), nullable=True))
    programmes = sa.table('programmes', sa.column('key', sa.String), sa.column('dhis2_data_element', sa.String))
    for key, uid in DATA_ELEMENTS.items():
        op.execute(programmes.update().where(programmes.c.key == key).values(dhis2_data_element=uid))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch copy of a table that others refer to
    # would fail on SQLite with foreign keys on.
    op.drop_column('programmes', 'dhis2_data_element')
    for table in reversed(TABLES):
        op.drop_column(table, 'version')
