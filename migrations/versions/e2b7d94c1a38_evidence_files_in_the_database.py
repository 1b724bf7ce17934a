"""evidence files in the database, so every app server reads them

Revision ID: e2b7d94c1a38
Revises: d8a3c6e1f590
Create Date: 2026-12-05 12:30:00

"""
import logging
import os
from pathlib import Path

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e2b7d94c1a38'
down_revision = 'd8a3c6e1f590'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
evidence = sa.table("evidence", sa.column("id", sa.Integer), sa.column("storage_name", sa.String))
contents = sa.table("evidence_contents", sa.column("evidence_id", sa.Integer), sa.column("content", sa.LargeBinary))


def _folder() -> Path:
    # Where the files were until now (config.py's UPLOAD_FOLDER, the same default).
    default = Path(__file__).resolve().parents[2] / "instance" / "uploads"
    return Path(os.environ.get("UPLOAD_FOLDER") or default)


def upgrade():
    op.create_table('evidence_contents',
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_contents_evidence_id_evidence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('evidence_id', name=op.f('pk_evidence_contents'))
    )
    # Each file into its row, one at a time (a file may be 10 MB). A file already gone from the
    # disk stays gone: its download answered 404 before and still does; the log names it.
    connection = op.get_bind()
    folder = _folder()
    for evidence_id, storage_name in connection.execute(sa.select(evidence.c.id, evidence.c.storage_name)).all():
        path = folder / storage_name
        if path.is_file():
            connection.execute(contents.insert().values(evidence_id=evidence_id, content=path.read_bytes()))
        else:
            log.warning("evidence %s: no file %s to move into the database", evidence_id, path)


def downgrade():
    connection = op.get_bind()
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    for storage_name, content in connection.execute(
            sa.select(evidence.c.storage_name, contents.c.content)
            .select_from(contents.join(evidence, evidence.c.id == contents.c.evidence_id))).all():
        (folder / storage_name).write_bytes(content)
    op.drop_table('evidence_contents')
