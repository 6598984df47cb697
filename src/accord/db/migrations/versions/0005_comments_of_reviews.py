"""comments pinned by a review name it

A review's region comments were tied to it by annotation, author and the same creation time;
a column says it outright. Comments already written are linked by that rule.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_comments_review_id'), ['review_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_comments_review_id_reviews'), 'reviews',
                                    ['review_id'], ['id'], ondelete='CASCADE')
    op.execute("""
        UPDATE comments SET review_id = (
            SELECT reviews.id FROM reviews
            WHERE reviews.annotation_id = comments.annotation_id
              AND reviews.reviewer_id = comments.author_id
              AND reviews.created_at = comments.created_at
            ORDER BY reviews.id LIMIT 1)
        WHERE region_id IS NOT NULL AND annotation_id IS NOT NULL
    """)


def downgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comments_review_id_reviews'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_comments_review_id'))
        batch_op.drop_column('review_id')
