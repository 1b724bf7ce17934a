"""parenting import files waiting for confirmation, in the database

Revision ID: f4c19b2e7a61
Revises: e2b7d94c1a38
Create Date: 2026-12-05 12:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f4c19b2e7a61'
down_revision = 'e2b7d94c1a38'
branch_labels = None
depends_on = None


def upgrade():
    # Files waiting in instance/imports are not moved: they are kept a few minutes at most, and
    # their uploader is told to upload again.
    op.create_table('pending_imports',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_imports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_pending_imports'))
    )
    op.create_index(op.f('ix_pending_imports_created_at'), 'pending_imports', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_pending_imports_created_at'), table_name='pending_imports')
    op.drop_table('pending_imports')
