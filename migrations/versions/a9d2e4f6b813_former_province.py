"""organisations keep the province (of the 63 before 1 July 2025) the workplace was in

Revision ID: a9d2e4f6b813
Revises: f7c3d0e5b296
Create Date: 2026-12-04 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'a9d2e4f6b813'
down_revision = 'f7c3d0e5b296'
branch_labels = None
depends_on = None

UNMERGED = {'ha-noi': 'Hà Nội', 'hue': 'Thừa Thiên Huế', 'lai-chau': 'Lai Châu', 'dien-bien': 'Điện Biên',
            'son-la': 'Sơn La', 'lang-son': 'Lạng Sơn', 'quang-ninh': 'Quảng Ninh', 'thanh-hoa': 'Thanh Hóa',
            'nghe-an': 'Nghệ An', 'ha-tinh': 'Hà Tĩnh', 'cao-bang': 'Cao Bằng'}


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('former_province', sa.String(length=60), nullable=False, server_default=''))
    # A unit the 2025 reform did not merge had one name before: fill it in (a merged one is not
    # guessed). Written out here, not imported, so this step stays what it was when it ran.
    organisations = sa.table('organisations', sa.column('province_code', sa.String),
                             sa.column('former_province', sa.String))
    for code, former in UNMERGED.items():
        op.execute(organisations.update().where(organisations.c.province_code == code)
                   .values(former_province=former))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('former_province')
