"""the task browser: tasks of a project by state (frozen apart) in id order

`GET …/tasks?state=…` pages through a state's tasks in id order; without this index a rare
state (a few tasks in adjudication among a million) is found only by walking all of them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 18:00:00.000000
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_tasks_browse', 'tasks', ['project_id', 'frozen', 'state', 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_tasks_browse', table_name='tasks')
