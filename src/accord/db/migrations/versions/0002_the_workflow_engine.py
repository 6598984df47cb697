"""the workflow engine: task states, queues, leases and per-annotator statistics

Existing tasks start in `label` with their current answers counted; tasks with an answer
and no gold are done (the default policy wants one answer).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 08:53:29.652064
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import accord.db.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annotator_stats',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('served', sa.Integer(), nullable=False),
    sa.Column('gold_answers', sa.Integer(), nullable=False),
    sa.Column('gold_score_sum', sa.Float(), nullable=False),
    sa.Column('agreement_window', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_annotator_stats_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_annotator_stats_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'user_id', name=op.f('pk_annotator_stats'))
    )
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('label', 'review', 'adjudicate', name='stage', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('kind', sa.Enum('lease', 'directed', 'skipped', name='assignment_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('expires_at', accord.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('assigned_by', sa.Integer(), nullable=True),
    sa.Column('created_at', accord.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by'], ['users.id'], name=op.f('fk_assignments_assigned_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_assignments_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_assignments_task_id_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('task_id', 'user_id', 'stage', name=op.f('uq_assignments_task_id_user_id_stage'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_expiry', ['project_id', 'expires_at'], unique=False)
        batch_op.create_index('ix_assignments_user', ['project_id', 'user_id', 'stage', 'kind'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_object', ['object_type', 'object_id', 'id'], unique=False)

    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gold_score', sa.Float(), nullable=True))

    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guideline_version', sa.Integer(), nullable=True))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workflow', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('approved_pilot', sa.String(length=200), nullable=True))

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.Enum('label', 'review', 'adjudicate', 'done', name='task_state', native_enum=False, create_constraint=True, length=16), nullable=False, server_default='label'))
        batch_op.add_column(sa.Column('frozen', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('overlap', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('taken', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('round', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('state_at', accord.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('queue_rank', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('queue_key', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('result_source', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('agreement', sa.Float(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_tasks_next'))

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_gold', ['project_id', 'id'], unique=False, sqlite_where=sa.text('is_gold'), postgresql_where=sa.text('is_gold'))
        batch_op.create_index('ix_tasks_queue', ['project_id', 'state', 'queue_rank', 'queue_key', 'id'], unique=False, sqlite_where=sa.text("state <> 'done'"), postgresql_where=sa.text("state <> 'done'"))

    op.execute(
        "UPDATE tasks SET taken = (SELECT count(DISTINCT a.author_id) FROM annotations a "
        "WHERE a.task_id = tasks.id AND a.stage = 'label' AND a.status IN "
        "('submitted', 'accepted'))")
    op.execute("UPDATE tasks SET state = 'done', result_source = 'import' "
               "WHERE taken > 0 AND NOT is_gold")



def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_queue', sqlite_where=sa.text("state <> 'done'"), postgresql_where=sa.text("state <> 'done'"))
        batch_op.drop_index('ix_tasks_gold', sqlite_where=sa.text('is_gold'), postgresql_where=sa.text('is_gold'))
        batch_op.create_index(batch_op.f('ix_tasks_next'), ['project_id', 'priority', 'id'], unique=False)
        batch_op.drop_column('agreement')
        batch_op.drop_column('result_source')
        batch_op.drop_column('result')
        batch_op.drop_column('queue_key')
        batch_op.drop_column('queue_rank')
        batch_op.drop_column('state_at')
        batch_op.drop_column('round')
        batch_op.drop_column('taken')
        batch_op.drop_column('overlap')
        batch_op.drop_column('frozen')
        batch_op.drop_constraint(batch_op.f('ck_tasks_task_state'), type_='check')
        batch_op.drop_column('state')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('approved_pilot')
        batch_op.drop_column('workflow')

    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_column('guideline_version')

    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.drop_column('gold_score')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_object')

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_user')
        batch_op.drop_index('ix_assignments_expiry')

    op.drop_table('assignments')
    op.drop_table('annotator_stats')
