"""benchmarks kept in the database, made by the job worker when the scores change

Revision ID: a8d3e6f1c2b4
Revises: f4c19b2e7a61
Create Date: 2026-12-05 16:50:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'a8d3e6f1c2b4'
down_revision = 'f4c19b2e7a61'
branch_labels = None
depends_on = None


def upgrade():
    # Empty at first: the first page view computes the benchmarks and asks the worker to keep them.
    op.create_table('benchmark_snapshots',
    sa.Column('grouping', sa.String(length=16), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Boolean(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('grouping', 'cycle', name=op.f('pk_benchmark_snapshots'))
    )


def downgrade():
    op.drop_table('benchmark_snapshots')
